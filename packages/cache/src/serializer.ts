import { Packr, RESERVE_START_SPACE } from 'msgpackr'
import { UnserializableValueError } from './errors.js'

const FUNCTION_MARKER = 'bi-perf:function'

/**
 * msgpackr options every encoder and decoder of the package shares. Records keep plain objects
 * and Maps apart, so both round-trip.
 */
export const PACK_OPTIONS = {
  useRecords: true,
  mapsAsObjects: false,
  moreTypes: true,
  useBigIntExtension: true,
  writeFunction: () => {
    throw new TypeError(FUNCTION_MARKER)
  },
} as const

// Every record definition written inline: any process decodes any of these without shared state.
const packr = new Packr(PACK_OPTIONS)

/**
 * Serializes a value in the self-describing form (record definitions inline). Round-trips
 * objects, arrays, strings, numbers, booleans, `null`, `Date`, `BigInt`, `Map`, `Set` and
 * `Buffer`. `room` bytes (at most 255) are left free at the start for a header.
 *
 * @throws UnserializableValueError for `undefined`, functions, symbols and cycles
 */
export function serialize(key: string, value: unknown, room = 0): Buffer {
  assertDefined(key, value)
  try {
    return packr.pack(value, room === 0 ? 0 : RESERVE_START_SPACE | room)
  } catch (error) {
    throw unserializable(key, error)
  }
}

/** Decodes what {@link serialize} produced, as a fresh value. */
export function deserialize<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T
}

export function assertDefined(key: string, value: unknown) {
  if (value === undefined) {
    throw new UnserializableValueError(key, 'undefined means a miss; store null instead')
  }
}

/** The error for a value msgpackr refused, naming why in words. */
export function unserializable(key: string, error: unknown): UnserializableValueError {
  return new UnserializableValueError(key, reasonOf(error), { cause: error })
}

function reasonOf(error: unknown): string {
  if (error instanceof RangeError) return 'it contains a circular reference (or nests too deep)'
  if (error instanceof Error && error.message === FUNCTION_MARKER) {
    return 'it contains a function; only data can be cached'
  }
  if (error instanceof Error && error.message.includes('symbol')) {
    return 'it contains a symbol; only data can be cached'
  }
  return `it cannot be serialized (${error instanceof Error ? error.message : String(error)})`
}
