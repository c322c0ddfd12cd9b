import type { Environment } from './types.js'

/**
 * The environment from `NODE_ENV`, production unless told otherwise: `development` and `test`
 * (any case, surrounding spaces ignored) are themselves; anything else — unset, empty,
 * `production`, `PRODUCTION`, `prod`, `staging`, a typo — is `production`. A mistyped value must
 * never turn the production checks off (refusing to start without auth, closing `/metrics`
 * without its token) or make the server log an admin token.
 *
 * @example
 * readEnvironment('Development') // 'development'
 * readEnvironment('prod') // 'production'
 * readEnvironment(undefined) // 'production'
 */
export function readEnvironment(nodeEnv: string | undefined): Environment {
  const value = nodeEnv?.trim().toLowerCase()
  if (value === 'development') return 'development'
  if (value === 'test') return 'test'
  return 'production'
}

/**
 * How start-up messages name the setting that made the environment: `NODE_ENV="prod"` or
 * `NODE_ENV unset`.
 *
 * @example
 * describeNodeEnv('prod') // 'NODE_ENV="prod"'
 */
export function describeNodeEnv(nodeEnv: string | undefined): string {
  return nodeEnv === undefined ? 'NODE_ENV unset' : `NODE_ENV=${JSON.stringify(nodeEnv)}`
}
