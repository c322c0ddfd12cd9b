import { Packr, RESERVE_START_SPACE } from 'msgpackr'
import { CorruptEntryError } from './errors.js'
import {
  PACK_OPTIONS,
  assertDefined,
  deserialize,
  serialize,
  unserializable,
} from './serializer.js'

/**
 * Every payload starts with a shape reference: the generation of the shape list it was encoded
 * with (uint32) and how many shapes of that list the encoder knew (uint16), then the msgpack body.
 */
export const SHAPE_REF_BYTES = 6
/** Generation 0: the body is self-describing (record definitions inline), readable anywhere. */
const SELF_DESCRIBING = 0
/**
 * How many shapes a generation may hold. msgpackr is told one more, so it always asks
 * `shouldShareStructure` about a new shape instead of minting a two-byte own record id, a form
 * its decoder does not read back reliably when shared structures are loaded.
 */
export const SHAPE_LIMIT = 1023
const MSGPACKR_SHARED_LIMIT = SHAPE_LIMIT + 1
/** Decoders of earlier generations kept for payloads still held in process. */
const RETIRED_GENERATIONS = 4

/**
 * Thrown through msgpackr to abandon an encode that met a shape not in the list. Made once: a
 * throw then costs no stack capture.
 */
const UNKNOWN_SHAPE = new Error('unknown shape')

/** The keys of one plain object shape, in insertion order. */
export type Shape = readonly string[]

interface Generation {
  id: number
  shapes: readonly Shape[]
  packr: Packr
  /** Decodes only. A Packr, not an Unpackr: msgpackr's Unpackr with shared structures returns
   * binary values as Uint8Array, a Packr as Buffer, which the cache promises. */
  unpackr: Packr
}

export interface ValueCodecEvents {
  /** An encode met an object shape the current list lacks (reported once per encode). */
  onUnknownShape(keys: string[]): void
  /** A retired generation's decoder was dropped: payloads of it held in process are unreadable. */
  onForget(): void
  /** An encode was self-describing because no confirmed shape list is in use: look for one. */
  onNoShapes(): void
}

/**
 * Encodes values with msgpackr records whose shapes (key lists) come from a list shared by every
 * instance of the cache, so a payload carries a one- or two-byte shape id per object instead of
 * its keys, and decoding runs msgpackr's compiled readers (about 5× faster for a row set).
 *
 * Only shapes already in the list are ever referenced: a value holding a shape the list lacks is
 * written self-describing (generation 0) and the shape is reported, to be added to the shared
 * list for later writes ({@link ShapeRegistry}). A payload names its generation and how many
 * shapes it relies on, so a reader that knows fewer, or another generation, reads it as unknown
 * ({@link readable} is false) and never with the wrong keys.
 */
export class ValueCodec {
  #current: Generation | undefined
  readonly #retired = new Map<number, Generation>()
  readonly #events: ValueCodecEvents
  #unknown: string[] = []
  /** Set while the list in use may be gone (the connection to Redis dropped): see {@link suspend}. */
  #suspended = false

  constructor(events: ValueCodecEvents) {
    this.#events = events
  }

  /** The generation in use (0 while none is known) and its shapes. */
  get generation(): number {
    return this.#current?.id ?? SELF_DESCRIBING
  }

  get shapes(): readonly Shape[] {
    return this.#current?.shapes ?? []
  }

  /**
   * Serializes a value: shape references when every object shape in it is listed, the
   * self-describing form otherwise.
   *
   * @throws UnserializableValueError for `undefined`, functions, symbols and cycles
   */
  encode(key: string, value: unknown): Buffer {
    assertDefined(key, value)
    const current = this.#current
    if (current && !this.#suspended) {
      try {
        const bytes = current.packr.pack(value, RESERVE_START_SPACE | SHAPE_REF_BYTES)
        bytes.writeUInt32BE(current.id, 0)
        bytes.writeUInt16BE(current.shapes.length, 4)
        return bytes
      } catch (error) {
        if (error !== UNKNOWN_SHAPE) throw unserializable(key, error)
        this.#events.onUnknownShape(this.#unknown)
      }
    } else this.#events.onNoShapes()
    const bytes = serialize(key, value, SHAPE_REF_BYTES)
    bytes.fill(0, 0, SHAPE_REF_BYTES)
    return bytes
  }

  /**
   * Decodes a payload of {@link encode} as a fresh value.
   *
   * @throws CorruptEntryError when it relies on shapes not known here (see {@link readable})
   */
  decode<T>(payload: Buffer): T {
    if (payload.length < SHAPE_REF_BYTES) throw new CorruptEntryError('no shape reference')
    const body = payload.subarray(SHAPE_REF_BYTES)
    if (payload.readUInt32BE(0) === SELF_DESCRIBING) return deserialize<T>(body)
    const generation = this.#decoderFor(payload)
    if (!generation) throw new CorruptEntryError('it relies on object shapes not known here')
    return generation.unpackr.unpack(body) as T
  }

  /** Whether {@link decode} can read the payload with the shapes known now. */
  readable(payload: Buffer): boolean {
    return this.readability(payload) === 'readable'
  }

  /**
   * Whether {@link decode} can read the payload now (`readable`); if not, whether it relies on
   * shapes of the generation in use that were added since this codec last loaded the list
   * (`behind`: a reload of the list always makes it readable), or on another generation's
   * (`foreign`: a reload helps only if that generation is the current one in Redis).
   */
  readability(payload: Buffer): 'readable' | 'behind' | 'foreign' {
    if (payload.length < SHAPE_REF_BYTES) return 'foreign'
    const id = payload.readUInt32BE(0)
    if (id === SELF_DESCRIBING || this.#decoderFor(payload) !== undefined) return 'readable'
    return id === this.#current?.id ? 'behind' : 'foreign'
  }

  /**
   * Uses a generation's shape list from now on. A longer list of the current generation extends
   * it (entries written with the shorter one still read); another generation replaces it, and the
   * replaced one stays readable for payloads held in process.
   */
  adopt(id: number, shapes: readonly Shape[]) {
    this.#suspended = false
    const current = this.#current
    if (current?.id === id && current.shapes.length >= shapes.length) return
    if (current && current.id !== id) {
      this.#retired.set(current.id, current)
      if (this.#retired.size > RETIRED_GENERATIONS) {
        this.#retired.delete(this.#retired.keys().next().value!)
        this.#events.onForget()
      }
    }
    this.#retired.delete(id)
    this.#current = this.#build(id, shapes)
  }

  /**
   * Writes self-describing payloads until the next {@link adopt}: after the connection to Redis
   * dropped, Redis may have come back without its data, shape list included, and entries naming
   * the old generation would be unreadable for every instance that loads the new one. Reading is
   * unaffected.
   */
  suspend() {
    this.#suspended = true
  }

  #decoderFor(payload: Buffer): Generation | undefined {
    const id = payload.readUInt32BE(0)
    const generation = this.#current?.id === id ? this.#current : this.#retired.get(id)
    return generation && generation.shapes.length >= payload.readUInt16BE(4)
      ? generation
      : undefined
  }

  #build(id: number, shapes: readonly Shape[]): Generation {
    // msgpackr annotates the arrays it is given (transitions, compiled readers): one copy each.
    const copy = () => shapes.map((keys) => keys.slice())
    const limits = { maxSharedStructures: MSGPACKR_SHARED_LIMIT }
    const packr = new Packr({
      ...PACK_OPTIONS,
      ...limits,
      getStructures: copy,
      shouldShareStructure: (keys: string[]) => {
        this.#unknown = keys.slice()
        throw UNKNOWN_SHAPE
      },
    })
    // Loaded through getStructures, not `structures`: only that path marks the ids above 32 as
    // two-byte on the decoding side.
    const unpackr = new Packr({ ...PACK_OPTIONS, ...limits, getStructures: copy })
    // A first pack loads the shapes now. Loaded lazily inside a decode instead, msgpackr copies
    // that decode's input into a Uint8Array, and its binary values come back as Uint8Array.
    unpackr.pack(null)
    return { id, shapes, packr, unpackr }
  }
}

/** A payload of the layout before shape references (a bare self-describing body), as one now. */
export function fromSelfDescribing(body: Buffer): Buffer {
  const bytes = Buffer.allocUnsafe(SHAPE_REF_BYTES + body.length)
  bytes.fill(0, 0, SHAPE_REF_BYTES)
  body.copy(bytes, SHAPE_REF_BYTES)
  return bytes
}
