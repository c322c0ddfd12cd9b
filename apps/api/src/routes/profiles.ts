import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse } from '../http/errors.js'
import { bearerSecurity, protectedResponses } from '../http/openapi-responses.js'
import { createRouter } from '../http/router.js'
import { ProfileChangeSchema } from '../schemas.js'
import type { RouteDeps } from '../types.js'

/**
 * `POST /optimize/{profile}` (under `/performance`, admin): switches the optimization profile
 * live. An unknown name is core's UnknownProfileError, a 400 listing the valid profiles.
 *
 * @example
 * app.route('/performance', profileRoutes(deps))
 */
export function profileRoutes(deps: RouteDeps) {
  return createRouter().openapi(
    createRoute({
      method: 'post',
      path: '/optimize/{profile}',
      tags: ['performance'],
      summary: 'Apply an optimization profile',
      security: bearerSecurity,
      middleware: [deps.requireRole('admin')] as const,
      request: {
        params: z.object({
          profile: z
            .string()
            .max(64)
            .openapi({
              param: { name: 'profile', in: 'path' },
              description: 'balanced, memory or performance',
              example: 'performance',
            }),
        }),
      },
      responses: {
        200: {
          description: 'What changed',
          content: { 'application/json': { schema: ProfileChangeSchema } },
        },
        400: errorResponse('Unknown profile; details.validProfiles lists the valid ones'),
        ...protectedResponses,
      },
    }),
    async (c) => {
      const { profile } = c.req.valid('param')
      const change = await deps.optimizer.applyProfile(profile)
      deps.logger.info(
        { profile: change.profile, previous: change.previous, by: c.get('auth')?.subject },
        'profile applied',
      )
      return c.json(change, 200)
    },
  )
}
