import { Hono, type Context } from 'hono'
import { loadDashboardAssets } from '../dashboard/assets.js'
import type { AppEnv, RouteDeps } from '../types.js'

/**
 * The live dashboard: `GET /` (the page) and `GET /dashboard/*` (its scripts, styles and the
 * bundled uPlot). No auth: the files carry no data; the page asks for a token and sends it as a
 * bearer header to the API. Files are read once, when the routes are built.
 *
 * @example
 * app.route('/', dashboardRoutes(deps))
 */
export function dashboardRoutes(deps: RouteDeps): Hono<AppEnv> {
  const assets = loadDashboardAssets(deps.appRoot)
  const serve = (path: string) => (c: Context<AppEnv>) => {
    const asset = assets.get(path)
    if (!asset) return c.notFound()
    const headers = {
      'Content-Type': asset.contentType,
      ETag: asset.etag,
      // Revalidate every time: a new deploy must never pair old scripts with a new API.
      'Cache-Control': 'no-cache',
    }
    if (c.req.header('If-None-Match') === asset.etag) return c.body(null, 304, headers)
    return c.body(asset.body, 200, headers)
  }
  return new Hono<AppEnv>().get('/', serve('/')).get('/dashboard/*', (c) => serve(c.req.path)(c))
}
