/**
 * A short, safe rendering of a rejected value for an error message: strings quoted and cut to 60
 * characters, numbers, booleans, bigints and nullish values as they are, anything else by kind.
 * Never the contents of objects, which may be large or hold secrets.
 *
 * @example
 * describeValue('x'.repeat(100)) // '"xxx…"' (60 characters and an ellipsis)
 * describeValue([1, 2]) // '(array of 2)'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value
    return JSON.stringify(shown)
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value)) return `(array of ${value.length})`
  return `(${typeof value})`
}
