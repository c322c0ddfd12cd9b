import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { extname, join } from 'node:path'

/** One file of the dashboard, read once at start. */
export interface DashboardAsset {
  body: Uint8Array<ArrayBuffer>
  contentType: string
  /** Strong ETag of the body, for `If-None-Match`. */
  etag: string
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/**
 * Reads the dashboard's files into memory: the page (`/`), the browser modules and styles of
 * `src/dashboard` (`/dashboard/<file>`), and uPlot from node_modules
 * (`/dashboard/vendor/uplot.js`, `/dashboard/vendor/uplot.css`). Nothing comes from a CDN, so
 * the page works offline. `src` ships beside `dist` (the app is private), so the same path works
 * under vitest and `node dist/main.js`.
 *
 * @example
 * const assets = loadDashboardAssets(deps.appRoot)
 * assets.get('/dashboard/app.js')?.contentType // 'text/javascript; charset=utf-8'
 */
export function loadDashboardAssets(appRoot: string): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>()
  const directory = join(appRoot, 'src', 'dashboard')
  for (const file of readdirSync(directory)) {
    const type = CONTENT_TYPES[extname(file)]
    if (!type) continue
    const path = file === 'index.html' ? '/' : `/dashboard/${file}`
    assets.set(path, asset(readFileSync(join(directory, file)), type))
  }
  const require = createRequire(join(appRoot, 'package.json'))
  const vendor: [path: string, module: string][] = [
    ['/dashboard/vendor/uplot.js', 'uplot/dist/uPlot.iife.min.js'],
    ['/dashboard/vendor/uplot.css', 'uplot/dist/uPlot.min.css'],
  ]
  for (const [path, module] of vendor) {
    assets.set(path, asset(readFileSync(require.resolve(module)), CONTENT_TYPES[extname(path)]!))
  }
  return assets
}

function asset(body: Buffer, contentType: string): DashboardAsset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
  const bytes = new Uint8Array(body.byteLength)
  bytes.set(body)
  return { body: bytes, contentType, etag }
}
