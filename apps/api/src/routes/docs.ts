import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import type { AppEnv } from '../types.js'

/**
 * The swagger-ui-dist files /docs serves, with their content types. A Map, not an object literal:
 * a name from the URL must never find `constructor`, `__proto__` or `toString` on a prototype.
 */
const ASSETS: ReadonlyMap<string, string> = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
])

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bi-perf API</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`

// A file, not an inline script, so the CSP can stay `script-src 'self'`.
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false })
`

/**
 * `GET /docs`: Swagger UI for `/openapi.json`, served from the installed swagger-ui-dist (no CDN:
 * it works offline and under the strict CSP). Files are read once and kept in memory.
 *
 * @example
 * app.route('/docs', docsRoutes())
 */
export function docsRoutes() {
  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const files = new Map<string, Promise<Buffer>>()
  const load = (name: string) => {
    let file = files.get(name)
    if (!file) {
      file = readFile(join(root, name))
      files.set(name, file)
    }
    return file
  }

  return new Hono<AppEnv>()
    .get('/', (c) => c.html(PAGE))
    .get('/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
    .get('/:file', async (c) => {
      const name = c.req.param('file')
      const type = ASSETS.get(name)
      if (type === undefined) return c.notFound()
      const body = await load(name)
      return c.body(new Uint8Array(body), 200, {
        'Content-Type': type,
        'Cache-Control': 'public, max-age=86400',
      })
    })
}
