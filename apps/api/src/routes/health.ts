import type { Optimizer } from '@bi-perf/core'
import { createRoute } from '@hono/zod-openapi'
import { memoizeBody } from '../http/encoded-body.js'
import { errorBody, errorResponse } from '../http/errors.js'
import { cachedBodyDescription, notModifiedResponse } from '../http/openapi-responses.js'
import { createRouter } from '../http/router.js'
import { sendEncodedBody } from '../http/send-encoded-body.js'
import { memoizedStatus } from '../status-snapshot.js'
import { HealthSchema, LiveSchema, ReadySchema } from '../schemas.js'

/**
 * `GET /health/live` (200 while the process runs), `/health/ready` (200 unless the optimizer is
 * `down` or not running; 503 with the reasons) and `/health` (both). No auth, no rate limit.
 *
 * @example
 * app.route('/health', healthRoutes(optimizer))
 */
export function healthRoutes(optimizer: Optimizer) {
  const unavailable = errorResponse('Not ready: details.reasons says why')

  const currentStatus = memoizedStatus(optimizer)
  const readiness = () => {
    const status = currentStatus()
    const reasons: string[] = []
    if (!status.running) reasons.push('optimizer is not running')
    for (const [name, component] of Object.entries(status.components)) {
      if (component?.state === 'down')
        reasons.push(...component.reasons.map((reason) => `${name}: ${reason}`))
      if (component?.state === 'down' && component.reasons.length === 0)
        reasons.push(`${name}: down`)
    }
    return { status, ready: status.running && status.state !== 'down', reasons }
  }
  // Load balancers poll this: one serialization per status snapshot, not one per probe.
  const healthyBody = memoizeBody((status: ReturnType<typeof currentStatus>) =>
    JSON.stringify({
      status: status.state === 'ok' ? 'ok' : 'degraded',
      live: true,
      ready: true,
      state: status.state,
      components: components(status.components),
    }),
  )
  const notReady = (reasons: string[], state: string) =>
    errorBody('E_API_NOT_READY', `not ready: ${reasons.join('; ')}`, { state, reasons })

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/live',
        tags: ['health'],
        summary: 'Liveness',
        responses: {
          200: { description: 'Alive', content: { 'application/json': { schema: LiveSchema } } },
        },
      }),
      (c) => c.json({ status: 'ok' as const }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/ready',
        tags: ['health'],
        summary: 'Readiness: the optimizer runs and is not down',
        responses: {
          200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
          503: unavailable,
        },
      }),
      (c) => {
        const { status, ready, reasons } = readiness()
        if (!ready) return c.json(notReady(reasons, status.state), 503)
        return c.json(
          {
            status: 'ready' as const,
            state: status.state,
            components: components(status.components),
          },
          200,
        )
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        tags: ['health'],
        summary: 'Liveness and readiness together',
        responses: {
          200: {
            description: cachedBodyDescription('Live and ready'),
            content: { 'application/json': { schema: HealthSchema } },
          },
          304: notModifiedResponse,
          503: unavailable,
        },
      }),
      (c) => {
        const { status, ready, reasons } = readiness()
        if (!ready) return c.json(notReady(reasons, status.state), 503)
        return sendEncodedBody(c, healthyBody(status))
      },
    )
}

function components(map: ReturnType<Optimizer['status']>['components']) {
  const result: Record<string, { state: 'ok' | 'degraded' | 'down'; reasons: string[] }> = {}
  for (const [name, component] of Object.entries(map)) if (component) result[name] = component
  return result
}
