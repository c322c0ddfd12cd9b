import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../types.js'
import { validationHook } from './validation-hook.js'

/**
 * A route group with the API's validation hook (400 `E_API_VALIDATION` naming each field and
 * rule). Mount it with `app.route(prefix, router)`; its `createRoute` definitions land in
 * `/openapi.json`.
 *
 * @example
 * const router = createRouter()
 * router.openapi(route, (c) => c.json({ ok: true }, 200))
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
}
