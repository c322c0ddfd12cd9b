/**
 * Deep-freezes plain objects and arrays in place. Returns `false`, leaving the value partly frozen,
 * when it meets a value whose state `Object.freeze` cannot protect (`Map`, `Set`, `Date`, binary
 * data): such values must be copied on every read instead.
 */
export function deepFreeze(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (Object.isFrozen(value)) return true
  if (Array.isArray(value)) {
    Object.freeze(value)
    for (const item of value) if (!deepFreeze(item)) return false
    return true
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  Object.freeze(value)
  for (const key in value) {
    if (!deepFreeze((value as Record<string, unknown>)[key])) return false
  }
  return true
}
