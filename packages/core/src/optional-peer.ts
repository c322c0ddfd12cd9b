import { createRequire } from 'node:module'
import { MissingPeerError } from './errors.js'

/**
 * Requires an optional peer dependency (a CommonJS one: prom-client) on first use. Resolved from
 * this package, it is the one copy the app installed, so the app and core share its classes and
 * registries; absent, the caller gets a {@link MissingPeerError} naming the install command. An
 * error thrown while the peer itself loads is passed on as it is.
 *
 * @param module what to load, the peer itself by default; tests name a module no install has,
 *   to load as an app that did not install the peer does
 * @example
 * const client = requireOptionalPeer<typeof import('prom-client')>('prom-client', 'Prometheus export')
 */
export function requireOptionalPeer<T>(peer: string, feature: string, module = peer): T {
  try {
    return createRequire(import.meta.url)(module) as T
  } catch (error) {
    if (isNotFound(error, module)) throw new MissingPeerError(peer, feature, { cause: error })
    throw error
  }
}

/** Whether `error` says that `module` itself cannot be found (not a module it requires). */
function isNotFound(error: unknown, module: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return code === 'MODULE_NOT_FOUND' && String(message).includes(`'${module}'`)
}
