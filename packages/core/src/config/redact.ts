import type { BiPerfConfig } from './schema.js'

/** What a redacted secret is shown as. */
const MASK = '***'

/**
 * A URL with its password masked, safe for logs and error messages: the password in the user
 * info (`redis://:pw@host` → `redis://:***@host`) and a `password=` query parameter. Works on
 * strings that are not valid URLs too, since those are the ones that end up in error output.
 *
 * @example
 * redactUrl('postgres://app:s3cret@db:5432/bi') // 'postgres://app:***@db:5432/bi'
 */
export function redactUrl(url: string): string {
  let shown = url
  const authority = shown.indexOf('://') + 3
  const at = shown.lastIndexOf('@')
  if (authority >= 3 && at > authority) {
    const colon = shown.indexOf(':', authority)
    // Everything from the first colon of the user info to the last `@` is password: masking too
    // much (an `@` further on) is better than leaking part of it.
    if (colon !== -1 && colon < at) shown = `${shown.slice(0, colon + 1)}${MASK}${shown.slice(at)}`
  }
  return shown.replace(/([?&]password=)[^&#]*/gi, `$1${MASK}`)
}

/**
 * A copy of a configuration that is safe to print (`bi-perf config show`, startup logs): JWT
 * secrets (current and previous), public key and metrics token replaced by `***`, and passwords masked in the Redis,
 * database and JWKS URLs.
 *
 * @example
 * console.log(JSON.stringify(redactConfig(await loadConfig()), null, 2))
 */
export function redactConfig(config: BiPerfConfig): BiPerfConfig {
  const { auth } = config.server
  return {
    ...config,
    redis: withMasked(config.redis, { url: redactUrl }),
    database: withMasked(config.database, { url: redactUrl }),
    server: {
      ...withMasked(config.server, { metricsToken: () => MASK }),
      auth: {
        ...withMasked(auth, {
          jwtSecret: () => MASK,
          jwtPublicKey: () => MASK,
          jwksUrl: redactUrl,
        }),
        jwtPreviousSecrets: auth.jwtPreviousSecrets.map(() => MASK),
      },
    },
  }
}

/** A copy of `section` with the given string fields masked; absent fields stay absent. */
function withMasked<T extends object>(
  section: T,
  maskers: Partial<Record<keyof T, (value: string) => string>>,
): T {
  const copy = { ...section }
  for (const key of Object.keys(maskers) as (keyof T)[]) {
    const value = copy[key]
    if (typeof value === 'string') copy[key] = maskers[key]!(value) as T[keyof T]
  }
  return copy
}
