import { randomInt } from 'node:crypto'
import { UNAVAILABLE, type Maybe } from './redis-tier.js'
import { SHAPE_LIMIT, type Shape, type ValueCodec } from './value-codec.js'

/**
 * Where the shared shape list lives: a Redis list whose first element is the generation (a
 * random uint32 in decimal) and whose other elements are shapes as JSON arrays of keys.
 */
export interface ShapeStore {
  /** The whole list, created holding only `freshGeneration` when missing; `[]` if unusable. */
  load(freshGeneration: string): Promise<Maybe<string[]>>
  /**
   * Appends `shapes` if the list is still of `generation` and holds exactly `count` shapes (and
   * stays within `limit`); returns the whole list either way (`[]` when it is gone).
   */
  append(
    generation: string,
    count: number,
    limit: number,
    shapes: string[],
  ): Promise<Maybe<string[]>>
}

/** A shape is proposed once this many encodes met it: one-off key sets stay out of the list. */
const SIGHTINGS_TO_SHARE = 2
/** Shapes with more keys are left out (likely maps keyed by data, not records). */
const MAX_SHAPE_KEYS = 256
const MAX_SHAPE_JSON = 8_192
/** Candidates followed at once; the map starts over when full. */
const MAX_CANDIDATES = 1_000
/** Shapes proposed per round trip. */
const MAX_PROPOSAL = 64
/** A reload of the list at most this often, however many unreadable entries ask for one. */
const RELOAD_INTERVAL_MS = 100
/** A list that cannot be used (another type at the key) is looked at again after this long. */
const UNUSABLE_BACKOFF_MS = 10_000
/** After a failed proposal, the next waits this long. */
const RETRY_MS = 1_000

/**
 * Keeps the codec's shape list in step with the list every instance shares. The list only grows
 * (compare-and-append on its length and generation), so a shorter copy is always a prefix of a
 * longer one of the same generation. When the list disappears (eviction, `FLUSHALL`, someone
 * deleting it) the next load creates it under a new generation: entries of the old one read as
 * unknown, never with another generation's keys. Without a store (no Redis) the list is this
 * process's own.
 */
export class ShapeRegistry {
  readonly #codec: ValueCodec
  readonly #store: ShapeStore | undefined
  readonly #candidates = new Map<string, { keys: Shape; seen: number }>()
  #generation = ''
  #full = false
  #reloading: Promise<void> | undefined
  #followUp: Promise<void> | undefined
  #reloadedAt = -Infinity
  #proposing: Promise<void> | undefined
  #retryAt = 0

  constructor(codec: ValueCodec, store?: ShapeStore) {
    this.#codec = codec
    this.#store = store
    if (!store) codec.adopt(freshGeneration(), [])
  }

  /**
   * Reads the shared list (creating it when missing) and adopts it. A plain reload joins one in
   * flight, and one within {@link RELOAD_INTERVAL_MS} of the last returns at once: an entry of
   * another generation that still cannot be read is then a miss, and a stale writer's entries
   * cannot make every read a round trip. A `fresh` reload reads a list at least as new as the
   * call: an entry of the current generation relying on shapes added since this instance looked
   * is always readable after it (the list only grows).
   */
  reload(fresh = false): Promise<void> {
    if (!this.#store) return Promise.resolve()
    if (this.#reloading) {
      if (!fresh) return this.#reloading
      this.#followUp ??= this.#reloading.then(() => {
        this.#followUp = undefined
        return this.#startReload()
      })
      return this.#followUp
    }
    if (!fresh && performance.now() - this.#reloadedAt < RELOAD_INTERVAL_MS) {
      return Promise.resolve()
    }
    return this.#startReload()
  }

  /** The connection dropped: write self-describing entries until the list is loaded again. */
  suspend() {
    if (this.#store) this.#codec.suspend()
  }

  #startReload(): Promise<void> {
    const store = this.#store!
    this.#reloadedAt = performance.now()
    this.#reloading = store
      .load(String(freshGeneration()))
      .then((list) => this.#adopt(list))
      .finally(() => (this.#reloading = undefined))
    return this.#reloading
  }

  /** Counts an encode that met a shape not in the list; proposes it once seen often enough. */
  noteUnknown(keys: string[]) {
    if (this.#full || keys.length > MAX_SHAPE_KEYS) return
    const signature = JSON.stringify(keys)
    if (signature.length > MAX_SHAPE_JSON) return
    const candidate = this.#candidates.get(signature)
    if (candidate) candidate.seen++
    else {
      if (this.#candidates.size >= MAX_CANDIDATES) this.#candidates.clear()
      this.#candidates.set(signature, { keys, seen: 1 })
    }
    if ((candidate?.seen ?? 1) >= SIGHTINGS_TO_SHARE) this.#proposeSoon()
  }

  #proposeSoon() {
    if (this.#proposing || Date.now() < this.#retryAt) return
    this.#proposing = this.#propose().finally(() => (this.#proposing = undefined))
  }

  async #propose() {
    const ready = [...this.#candidates]
      .filter(([, candidate]) => candidate.seen >= SIGHTINGS_TO_SHARE)
      .slice(0, MAX_PROPOSAL)
    if (ready.length === 0) return
    for (const [signature] of ready) this.#candidates.delete(signature)
    const shapes = this.#codec.shapes
    // Met before a reload brought them in from another instance: listed already.
    const listed = new Set(shapes.map((keys) => JSON.stringify(keys)))
    const room = SHAPE_LIMIT - shapes.length
    const proposed = ready
      .map(([signature]) => signature)
      .filter((signature) => !listed.has(signature))
      .slice(0, Math.max(0, room))
    if (!this.#store) {
      this.#codec.adopt(this.#codec.generation, [
        ...shapes,
        ...proposed.map((signature) => parseShape(signature)!),
      ])
      this.#full = this.#codec.shapes.length >= SHAPE_LIMIT
      return
    }
    if (this.#generation === '') await this.reload()
    if (this.#generation === '' || proposed.length === 0) return
    const list = await this.#store.append(this.#generation, shapes.length, SHAPE_LIMIT, proposed)
    if (list === UNAVAILABLE || list.length === 0) {
      // Redis did not answer (try again later), or the list is gone: the next load recreates it.
      this.#retryAt = Date.now() + RETRY_MS
      for (const [signature, candidate] of ready) this.#candidates.set(signature, candidate)
      if (list !== UNAVAILABLE) await this.reload()
      return
    }
    this.#adopt(list)
    // Lost a race with another instance: what is still missing is proposed again once met again,
    // not before a pause, so a list that cannot take it (full, or unreadable past some point)
    // does not turn every second encode into a round trip.
    if (this.#codec.shapes.length < shapes.length + proposed.length) {
      this.#retryAt = Date.now() + RETRY_MS
    }
  }

  #adopt(list: Maybe<string[]>) {
    if (list === UNAVAILABLE) return
    const generation = Number(list[0])
    if (!Number.isInteger(generation) || generation < 1 || generation > 0xffff_ffff) {
      // Something else holds the key: values stay self-describing, and it is looked at rarely.
      this.#reloadedAt = performance.now() + UNUSABLE_BACKOFF_MS
      return
    }
    const shapes: Shape[] = []
    for (let index = 1; index < list.length && shapes.length < SHAPE_LIMIT; index++) {
      const shape = parseShape(list[index]!)
      // Only a valid prefix is used: an entry relying on more shapes then reads as unknown.
      if (!shape) break
      shapes.push(shape)
    }
    this.#generation = list[0]!
    this.#codec.adopt(generation, shapes)
    this.#full = shapes.length >= SHAPE_LIMIT
  }
}

function parseShape(json: string): Shape | undefined {
  let keys: unknown
  try {
    keys = JSON.parse(json)
  } catch {
    return undefined
  }
  if (!Array.isArray(keys) || keys.length > MAX_SHAPE_KEYS) return undefined
  if (!keys.every((key) => typeof key === 'string')) return undefined
  return keys
}

function freshGeneration(): number {
  return randomInt(1, 0xffff_ffff)
}
