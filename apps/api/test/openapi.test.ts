import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApp, stopAll } from './helpers.js'

type App = Awaited<ReturnType<typeof makeApp>>['app']
interface OpenApiDocument {
  openapi: string
  paths: Record<
    string,
    Record<string, { security?: unknown[]; responses: Record<string, unknown> }>
  >
  components: { securitySchemes: Record<string, unknown> }
}

/** Static files, not API operations: the Swagger UI and dashboard assets. */
const ASSET_ROUTES = new Set(['/', '/dashboard/*', '/docs/init.js', '/docs/:file'])

let app: App
let document: OpenApiDocument
beforeAll(async () => {
  ;({ app } = await makeApp({ config: { tasks: { enabled: false } } }))
  const response = await app.request('/openapi.json')
  expect(response.status).toBe(200)
  document = (await response.json()) as OpenApiDocument
})
afterAll(stopAll)

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator()
    const result = await validator.validate(
      structuredClone(document) as unknown as Parameters<Validator['validate']>[0],
    )
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('lists every API route of the app with its method', () => {
    const routes = app.routes
      .filter((route) => route.method !== 'ALL' && !ASSET_ROUTES.has(route.path))
      .map(
        (route) =>
          `${route.method.toLowerCase()} ${route.path.replace(/:([^/]+)/g, '{$1}').replace(/(.)\/$/, '$1')}`,
      )
    expect(routes.length).toBeGreaterThanOrEqual(14)
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    )
    for (const route of routes) expect(documented, route).toContain(route)
  })

  it('documents the bearer scheme on every /performance operation', () => {
    expect(document.components.securitySchemes).toHaveProperty('bearerAuth')
    for (const [path, operations] of Object.entries(document.paths)) {
      if (!path.startsWith('/performance/')) continue
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }])
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(
          expect.arrayContaining(['200', '401', '403', '429']),
        )
      }
    }
  })
})
