/**
 * Rough V8 heap sizes on 64-bit Node, calibrated against `process.memoryUsage()` on dashboard-like
 * values (within about 10 %). Good enough to keep the in-process tier near its byte bound, which
 * the serialized size alone underestimates about fivefold for plain objects.
 */
const OBJECT_BYTES = 80
const PROPERTY_BYTES = 24
const ARRAY_BYTES = 32
const ELEMENT_BYTES = 8
const STRING_BYTES = 32
const HEAP_NUMBER_BYTES = 16
const COLLECTION_BYTES = 80
const COLLECTION_ENTRY_BYTES = 24
const BUFFER_BYTES = 96
const SMALL_INTEGER_LIMIT = 2 ** 30

/** What the in-process tier holds per entry besides the value: key, entry record, LRU slots. */
export const ENTRY_OVERHEAD_BYTES = 200
/** What a payload kept in a buffer of its own costs besides its bytes. */
export const KEPT_BUFFER_BYTES = 400

/**
 * Estimates the heap footprint of a value and, with `freeze`, deep-freezes its plain objects and
 * arrays in place. Returns `undefined` (leaving the value partly frozen) when freezing was asked
 * for and the value holds something `Object.freeze` cannot protect (`Map`, `Set`, `Date`, binary
 * data): such values must be copied on every read instead.
 */
export function valueFootprint(value: unknown, freeze: boolean): number | undefined {
  switch (typeof value) {
    case 'string':
      return STRING_BYTES + value.length
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < SMALL_INTEGER_LIMIT
        ? 0
        : HEAP_NUMBER_BYTES
    case 'bigint':
      return STRING_BYTES + Math.ceil(value.toString(16).length / 2)
    case 'object':
      return value === null ? 0 : objectFootprint(value, freeze)
    default:
      return 0
  }
}

function objectFootprint(value: object, freeze: boolean): number | undefined {
  if (Array.isArray(value)) {
    if (freeze) Object.freeze(value)
    let bytes = ARRAY_BYTES + ELEMENT_BYTES * value.length
    for (const item of value) {
      const itemBytes = valueFootprint(item, freeze)
      if (itemBytes === undefined) return undefined
      bytes += itemBytes
    }
    return bytes
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) {
    if (freeze) Object.freeze(value)
    let bytes = OBJECT_BYTES
    for (const key in value) {
      const itemBytes = valueFootprint((value as Record<string, unknown>)[key], freeze)
      if (itemBytes === undefined) return undefined
      bytes += PROPERTY_BYTES + itemBytes
    }
    return bytes
  }
  if (freeze) return undefined
  if (ArrayBuffer.isView(value)) return BUFFER_BYTES + value.byteLength
  if (value instanceof Map || value instanceof Set) {
    let bytes = COLLECTION_BYTES
    for (const [key, item] of value.entries() as IterableIterator<[unknown, unknown]>) {
      bytes +=
        COLLECTION_ENTRY_BYTES +
        (valueFootprint(key, false) ?? 0) +
        (valueFootprint(item, false) ?? 0)
    }
    return bytes
  }
  return OBJECT_BYTES
}
