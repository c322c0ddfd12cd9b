import { Packr } from 'msgpackr'
import { UnserializableValueError } from './errors.js'

const FUNCTION_MARKER = 'bi-perf:function'

// Records keep plain objects and Maps apart, so both round-trip; every record definition is
// written inline, so any process can decode any entry without shared state.
const packr = new Packr({
  useRecords: true,
  mapsAsObjects: false,
  moreTypes: true,
  useBigIntExtension: true,
  writeFunction: () => {
    throw new TypeError(FUNCTION_MARKER)
  },
})

/**
 * Serializes a value for either tier. Round-trips objects, arrays, strings, numbers, booleans,
 * `null`, `Date`, `BigInt`, `Map`, `Set` and `Buffer`.
 *
 * @throws UnserializableValueError for `undefined`, functions, symbols and cycles
 */
export function serialize(key: string, value: unknown): Buffer {
  if (value === undefined) {
    throw new UnserializableValueError(key, 'undefined means a miss; store null instead')
  }
  try {
    return packr.pack(value)
  } catch (error) {
    throw new UnserializableValueError(key, reasonOf(error), { cause: error })
  }
}

/** Decodes what {@link serialize} produced, as a fresh value. */
export function deserialize<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T
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
