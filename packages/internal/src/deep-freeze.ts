/**
 * Freezes `value` and every object or array inside it, so a package's exported `DEFAULTS` cannot
 * be changed by a caller (who would change every later `createX` in the process). Returns the
 * same object.
 *
 * @example
 * export const DEFAULTS = deepFreeze({ ttl: '1h', l1: { maxEntries: 10_000 } } as const)
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
