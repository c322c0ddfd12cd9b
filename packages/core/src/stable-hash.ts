import { createHash } from 'node:crypto'
import { InvalidArgumentError } from './errors.js'

/**
 * A short, deterministic cache key for a list of arguments: the sha256 (base64url, 43 characters)
 * of a canonical encoding in which every value carries its type, so `1` and `'1'`, `null` and
 * `undefined`, `[1, 2]` and `'1,2'` give different keys while `{ a, b }` and `{ b, a }` give the
 * same one.
 *
 * Encoded: strings, numbers (`-0` as `0`), booleans, `null`, `undefined`, bigints, `Date`, arrays,
 * plain objects (keys sorted; properties whose value is `undefined` are left out, as in JSON),
 * `Map` and `Set` (order-independent), `Buffer` and typed arrays (by bytes), `URL`, `RegExp`, and
 * class instances with a `toJSON()` method (by its result and the class name). Anything else -
 * functions, symbols, cycles, class instances without `toJSON()` - throws
 * `InvalidArgumentError` naming the path of the value, e.g. `args[1].filter.region`.
 *
 * @example
 * stableKey([{ region: 'eu', year: 2026 }]) === stableKey([{ year: 2026, region: 'eu' }]) // true
 * stableKey([1]) === stableKey(['1']) // false
 */
export function stableKey(args: readonly unknown[]): string {
  if (!Array.isArray(args)) {
    throw new InvalidArgumentError('args', args, 'must be an array of arguments')
  }
  const encoded = encode(args, 'args', new Set())
  return createHash('sha256').update(encoded).digest('base64url')
}

/**
 * Appends the canonical form of `value`. Strings are length-prefixed, so no content can imitate
 * a delimiter; `ancestors` holds the objects on the current path (cycle detection), so an object
 * referenced twice without a cycle is fine.
 */
function encode(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`
    case 'number':
      return `n${Object.is(value, -0) ? 0 : value};`
    case 'boolean':
      return value ? 'T' : 'F'
    case 'undefined':
      return 'U'
    case 'bigint':
      return `i${value};`
    case 'function':
      throw new InvalidArgumentError(path, value, 'functions cannot be part of a cache key')
    case 'symbol':
      throw new InvalidArgumentError(path, value, 'symbols cannot be part of a cache key')
  }
  if (value === null) return 'N'
  const object = value as object
  if (ancestors.has(object)) {
    throw new InvalidArgumentError(path, value, 'cyclic values cannot be part of a cache key')
  }
  ancestors.add(object)
  try {
    return encodeObject(object, path, ancestors)
  } finally {
    ancestors.delete(object)
  }
}

function encodeObject(value: object, path: string, ancestors: Set<object>): string {
  if (Array.isArray(value)) {
    const items = value as readonly unknown[]
    let out = `[${items.length}:`
    // Index loop, not map(): holes in sparse arrays encode as undefined instead of being skipped.
    for (let index = 0; index < items.length; index++) {
      out += encode(items[index], `${path}[${index}]`, ancestors)
    }
    return `${out}]`
  }
  const proto = Object.getPrototypeOf(value) as object | null
  if (proto === Object.prototype || proto === null) {
    const record = value as Record<string, unknown>
    let out = '{'
    for (const key of Object.keys(record).sort()) {
      const field = record[key]
      if (field === undefined) continue
      out += `s${key.length}:${key}${encode(field, `${path}.${key}`, ancestors)}`
    }
    return `${out}}`
  }
  if (value instanceof Date) return `D${value.getTime()};`
  if (value instanceof Map) {
    const entries = [...value].map(
      ([key, item], index) =>
        encode(key, `${path}.<key ${index}>`, ancestors) +
        encode(item, `${path}.<value ${index}>`, ancestors),
    )
    return `M${entries.length}:${entries.sort().join('')};`
  }
  if (value instanceof Set) {
    const members = [...value].map((item, index) =>
      encode(item, `${path}.<member ${index}>`, ancestors),
    )
    return `S${members.length}:${members.sort().join('')};`
  }
  if (ArrayBuffer.isView(value)) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    return `B${value.constructor.name}:${bytes.toString('base64')};`
  }
  if (value instanceof ArrayBuffer) return `A${Buffer.from(value).toString('base64')};`
  if (value instanceof URL) return `u${encode(value.href, path, ancestors)}`
  if (value instanceof RegExp) return `r${encode(value.toString(), path, ancestors)}`
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') {
    const name = value.constructor?.name ?? ''
    return `J${encode(name, path, ancestors)}${encode(toJSON.call(value), path, ancestors)}`
  }
  throw new InvalidArgumentError(
    path,
    value,
    `instances of ${value.constructor?.name || 'a class'} cannot be part of a cache key (only plain objects, arrays, Map, Set, Date, Buffer, URL and values with toJSON()); pass a key function instead`,
  )
}
