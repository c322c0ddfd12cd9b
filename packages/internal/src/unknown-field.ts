import { closestName } from './closest-name.js'

/**
 * What {@link findUnknownField} found: nothing wrong, a value that is not an object, or a key
 * that is not allowed, with the allowed name it most likely meant (see {@link closestName}).
 */
export type UnknownFieldReading =
  | { ok: true }
  | { ok: false; notObject: true }
  | { ok: false; notObject: false; key: string; value: unknown; closest?: string }

/**
 * Checks that `value` is a plain object whose keys are all in `allowed`, without throwing, so
 * each package can raise its own typed error naming the field.
 *
 * @example
 * findUnknownField({ ttl: 1, prefix: 'x' }, ['ttl']) // { ok: false, notObject: false, key: 'prefix', value: 'x' }
 * findUnknownField({ tll: 1 }, ['ttl']) // { ok: false, notObject: false, key: 'tll', value: 1, closest: 'ttl' }
 */
export function findUnknownField(value: unknown, allowed: readonly string[]): UnknownFieldReading {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, notObject: true }
  }
  for (const [key, field] of Object.entries(value)) {
    if (allowed.includes(key)) continue
    const closest = closestName(key, allowed)
    return closest === undefined
      ? { ok: false, notObject: false, key, value: field }
      : { ok: false, notObject: false, key, value: field, closest }
  }
  return { ok: true }
}
