import type { Environment } from './types.js'

/**
 * The environment from `NODE_ENV`: `production` and `test` as such, anything else (or nothing)
 * is `development`.
 *
 * @example
 * readEnvironment(process.env.NODE_ENV) // 'development'
 */
export function readEnvironment(nodeEnv: string | undefined): Environment {
  if (nodeEnv === 'production') return 'production'
  if (nodeEnv === 'test') return 'test'
  return 'development'
}
