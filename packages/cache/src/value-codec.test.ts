import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CorruptEntryError, UnserializableValueError } from './errors.js'
import { SHAPE_REF_BYTES, ValueCodec, type Shape } from './value-codec.js'

/** A codec that records the shapes it reports and the generations it forgot. */
function codec() {
  const unknown: string[][] = []
  let forgotten = 0
  const instance = new ValueCodec({
    onUnknownShape: (keys) => unknown.push(keys),
    onForget: () => forgotten++,
    onNoShapes: () => {},
  })
  return { instance, unknown, forgotten: () => forgotten }
}

const rows = Array.from({ length: 9 }, (_, id) => ({
  id,
  name: `product ${id}`,
  price: 12.5 * id,
  at: new Date(1_700_000_000_000 + id),
  meta: { region: 'EMEA', rank: id },
}))
const report = {
  rows,
  total: 9n ** 30n,
  byRegion: new Map([['EMEA', { count: 9 }]]),
  tags: new Set(['q4']),
  raw: Buffer.from('abc'),
}
const reportShapes: Shape[] = [
  ['rows', 'total', 'byRegion', 'tags', 'raw'],
  ['id', 'name', 'price', 'at', 'meta'],
  ['region', 'rank'],
  ['count'],
]
/** Shapes no value here uses, to push the real ones past msgpackr's one-byte ids (32). */
const filler = (count: number, tag = 'f'): Shape[] =>
  Array.from({ length: count }, (_, index) => [`${tag}${index}`])

describe('ValueCodec', () => {
  it('writes self-describing payloads until a generation is known, readable by any codec', () => {
    const writer = codec()
    const payload = writer.instance.encode('k', report)
    expect(payload.readUInt32BE(0)).toBe(0)
    expect(writer.unknown).toEqual([])
    const reader = codec().instance
    reader.adopt(7, reportShapes)
    expect(reader.readable(payload)).toBe(true)
    expect(reader.decode(payload)).toEqual(report)
  })

  it('reports a shape it does not know, writes that value self-describing, and round-trips', () => {
    const writer = codec()
    writer.instance.adopt(7, [])
    const payload = writer.instance.encode('k', report)
    expect(payload.readUInt32BE(0)).toBe(0)
    expect(writer.unknown).toEqual([reportShapes[0]])
    expect(writer.instance.decode(payload)).toEqual(report)
  })

  it('refers to listed shapes by id: smaller payloads that only readers knowing them decode', () => {
    const writer = codec()
    writer.instance.adopt(7, reportShapes)
    const shaped = writer.instance.encode('k', report)
    expect(writer.unknown).toEqual([])
    expect(shaped.readUInt32BE(0)).toBe(7)
    expect(shaped.readUInt16BE(4)).toBe(reportShapes.length)
    const selfDescribing = codec().instance.encode('k', report)
    expect(shaped.length).toBeLessThan(selfDescribing.length)

    const same = codec().instance
    same.adopt(7, [...reportShapes, ['later']])
    expect(same.decode(shaped)).toEqual(report)

    const behind = codec().instance
    behind.adopt(7, reportShapes.slice(0, 2))
    expect(behind.readability(shaped)).toBe('behind')
    expect(() => behind.decode(shaped)).toThrow(CorruptEntryError)

    // Another generation, whose ids mean other keys: never decoded.
    const other = codec().instance
    other.adopt(8, [['x', 'y', 'z', 'w', 'v'], ...reportShapes])
    expect(other.readability(shaped)).toBe('foreign')
  })

  it('uses two-byte shape ids past 32 shapes on both sides', () => {
    const shapes = [...filler(300), ...reportShapes]
    const writer = codec().instance
    writer.adopt(3, shapes)
    const payload = writer.encode('k', report)
    expect(payload.readUInt16BE(4)).toBe(shapes.length)
    const reader = codec().instance
    reader.adopt(3, [...shapes, ...filler(50, 'g')])
    for (let round = 0; round < 5; round++) expect(reader.decode(payload)).toEqual(report)
  })

  it('keeps earlier generations readable, up to four, then says so', () => {
    const subject = codec()
    subject.instance.adopt(1, reportShapes)
    const first = subject.instance.encode('k', report)
    subject.instance.adopt(2, [])
    expect(subject.instance.decode(first)).toEqual(report)
    for (let generation = 3; generation <= 5; generation++) subject.instance.adopt(generation, [])
    expect(subject.forgotten()).toBe(0)
    expect(subject.instance.decode(first)).toEqual(report)
    subject.instance.adopt(6, [])
    expect(subject.forgotten()).toBe(1)
    expect(subject.instance.readable(first)).toBe(false)
  })

  it('grows a generation without losing what it wrote, and never shrinks it', () => {
    const subject = codec().instance
    subject.adopt(4, reportShapes.slice(0, 1))
    const early = subject.encode('k', report)
    subject.adopt(4, reportShapes)
    subject.adopt(4, [])
    expect(subject.shapes).toHaveLength(reportShapes.length)
    expect(subject.decode(early)).toEqual(report)
    expect(subject.decode(subject.encode('k', report))).toEqual(report)
  })

  it('names the key of a value it cannot serialize', () => {
    const subject = codec().instance
    subject.adopt(1, [['f']])
    expect(() => subject.encode('fn', { f: () => 1 })).toThrow(UnserializableValueError)
    expect(() => subject.encode('undef', undefined)).toThrow(/undefined means a miss/)
    expect(() => codec().instance.encode('k', Symbol('s'))).toThrow(UnserializableValueError)
  })

  it('rejects payloads too short to hold a shape reference', () => {
    const subject = codec().instance
    expect(subject.readable(Buffer.alloc(SHAPE_REF_BYTES - 1))).toBe(false)
    expect(() => subject.decode(Buffer.alloc(3))).toThrow(CorruptEntryError)
  })

  // Model: two instances share a generation; the writer's list is a prefix of the growing shared
  // list and the reader holds another prefix. A payload must decode to the value written when the
  // reader knows enough shapes, and be unreadable otherwise; a reader of another generation whose
  // list holds the same shapes in another order must never read it.
  it('reads a payload exactly when it knows the shapes it relies on, never wrongly', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e')
    const record = fc.dictionary(
      key,
      fc.oneof(fc.integer(), fc.string(), fc.date({ noInvalidDate: true })),
      { maxKeys: 4 },
    )
    const value = fc.oneof(
      record,
      fc.array(record, { maxLength: 6 }),
      fc.record({
        rows: fc.array(record, { maxLength: 4 }),
        n: fc.bigInt(),
        m: fc.constant(new Map([[1, 'x']])),
      }),
    )
    const seed = Date.now() % 2 ** 31
    try {
      fc.assert(
        fc.property(fc.array(value, { minLength: 1, maxLength: 20 }), fc.nat(), (values, cut) => {
          const writer = codec()
          writer.instance.adopt(11, [])
          const shared: string[][] = []
          const signatures = new Set<string>()
          const payloads = values.map((item) => {
            const payload = writer.instance.encode('k', item)
            // The writer's reports become the shared list, as the registry would make them.
            for (const keys of writer.unknown.splice(0)) {
              if (signatures.has(JSON.stringify(keys))) continue
              signatures.add(JSON.stringify(keys))
              shared.push(keys)
            }
            writer.instance.adopt(11, shared)
            return payload
          })
          const reader = codec().instance
          const known = cut % (shared.length + 1)
          reader.adopt(11, shared.slice(0, known))
          const stranger = codec().instance
          stranger.adopt(12, [...shared].reverse())
          payloads.forEach((payload, index) => {
            const needed = payload.readUInt32BE(0) === 0 ? 0 : payload.readUInt16BE(4)
            expect(reader.readability(payload)).toBe(needed <= known ? 'readable' : 'behind')
            if (needed <= known) expect(reader.decode(payload)).toEqual(values[index])
            expect(writer.instance.decode(payload)).toEqual(values[index])
            if (needed > 0) expect(stranger.readability(payload)).toBe('foreign')
          })
        }),
        { seed, numRuns: 200 },
      )
    } catch (error) {
      console.log(`value-codec model failed with seed ${seed}`)
      throw error
    }
  })
})
