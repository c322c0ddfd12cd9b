/** What {@link findUnknownField} found: nothing wrong, a value that is not an object, or a key. */
export type UnknownFieldReading =
  | { ok: true }
  | { ok: false; notObject: true }
  | { ok: false; notObject: false; key: string; value: unknown }

/**
 * Checks that `value` is a plain object whose keys are all in `allowed`, without throwing, so
 * each package can raise its own typed error naming the field.
 *
 * @example
 * findUnknownField({ ttl: 1, prefix: 'x' }, ['ttl']) // { ok: false, notObject: false, key: 'prefix', value: 'x' }
 */
export function findUnknownField(value: unknown, allowed: readonly string[]): UnknownFieldReading {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, notObject: true }
  }
  for (const [key, field] of Object.entries(value)) {
    if (!allowed.includes(key)) return { ok: false, notObject: false, key, value: field }
  }
  return { ok: true }
}
