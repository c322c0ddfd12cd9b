import { describe, expect, it } from 'vitest'
import {
  DoubleReleaseError,
  ForeignObjectError,
  InvalidOptionError,
  PoolCallbackError,
} from './errors.js'
import { createPool } from './object-pool.js'

interface Row {
  id: number
  tags: string[]
}

function rows(max = 2) {
  let made = 0
  const resets: Row[] = []
  const pool = createPool<Row>({
    name: 'rows',
    max,
    create: () => ({ id: ++made, tags: [] }),
    reset: (row) => {
      resets.push(row)
      row.tags.length = 0
    },
  })
  return { pool, resets }
}

describe('createPool', () => {
  it('hands a released object out again instead of creating one', () => {
    const { pool } = rows()
    const first = pool.acquire()
    pool.release(first)
    expect(pool.acquire()).toBe(first)
    expect(pool.stats()).toMatchObject({ created: 1, reused: 1, acquired: 2, inUse: 1, idle: 0 })
  })

  it('resets an object on release', () => {
    const { pool, resets } = rows()
    const row = pool.acquire()
    row.tags.push('stale')
    pool.release(row)
    expect(resets).toEqual([row])
    expect(pool.acquire().tags).toEqual([])
  })

  it('keeps at most max idle objects and drops the rest without resetting them', () => {
    const { pool, resets } = rows(2)
    const out = [pool.acquire(), pool.acquire(), pool.acquire()]
    for (const row of out) pool.release(row)
    expect(pool.stats()).toMatchObject({ created: 3, idle: 2, discarded: 1, released: 3 })
    expect(resets).toHaveLength(2)
  })

  it('rejects a double release with a typed error and keeps its books straight', () => {
    const { pool } = rows()
    const row = pool.acquire()
    pool.release(row)
    expect(() => pool.release(row)).toThrow(DoubleReleaseError)
    expect(() => pool.release(row)).toThrow(/rows.*already released/)
    expect(pool.stats()).toMatchObject({ released: 1, idle: 1, inUse: 0 })
  })

  it('rejects objects it did not create', () => {
    const { pool } = rows()
    expect(() => pool.release({ id: 99, tags: [] })).toThrow(ForeignObjectError)
    const other = rows().pool
    const theirs = other.acquire()
    expect(() => pool.release(theirs)).toThrow(
      expect.objectContaining({ code: 'E_MEMORY_POOL_FOREIGN_OBJECT', pool: 'rows' }),
    )
    expect(pool.stats().idle).toBe(0)
  })

  it('reports the hit ratio, and 0 before any acquire', () => {
    const { pool } = rows(10)
    expect(pool.stats().hitRatio).toBe(0)
    for (let i = 0; i < 4; i++) pool.release(pool.acquire())
    expect(pool.stats()).toMatchObject({ created: 1, reused: 3, hitRatio: 0.75 })
  })

  it('drops idle objects on drain', () => {
    const { pool } = rows(5)
    const out = [pool.acquire(), pool.acquire(), pool.acquire()]
    pool.release(out[0]!)
    pool.release(out[1]!)
    expect(pool.drain()).toBe(2)
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1, drained: 2 })
    // Objects out on loan still come back.
    pool.release(out[2]!)
    expect(pool.stats().idle).toBe(1)
  })

  it('with max 0, creates every time and keeps nothing', () => {
    const pool = createPool({ create: () => ({}), max: 0 })
    pool.release(pool.acquire())
    pool.release(pool.acquire())
    expect(pool.stats()).toMatchObject({ created: 2, reused: 0, idle: 0, discarded: 2 })
  })

  it('wraps a failing create and rejects non-objects', () => {
    const cause = new Error('out of sockets')
    const failing = createPool({
      name: 'failing',
      create: (): object => {
        throw cause
      },
    })
    expect(() => failing.acquire()).toThrow(
      expect.objectContaining({ code: 'E_MEMORY_POOL_CALLBACK', callback: 'create', cause }),
    )
    const primitive = createPool({ create: () => 42 as unknown as object })
    expect(() => primitive.acquire()).toThrow(/returned number; pooled values must be objects/)
    expect(primitive.stats()).toMatchObject({ created: 0, acquired: 0, inUse: 0 })
  })

  it('drops an object whose reset throws and says so', () => {
    const pool = createPool({
      create: () => ({ n: 0 }),
      reset: () => {
        throw new Error('reset bug')
      },
    })
    const object = pool.acquire()
    expect(() => pool.release(object)).toThrow(PoolCallbackError)
    expect(pool.stats()).toMatchObject({ inUse: 0, idle: 0, discarded: 1 })
    expect(() => pool.release(object)).toThrow(DoubleReleaseError)
  })

  it.each([
    [{ create: undefined }, /create/],
    [{ create: () => ({}), reset: 'no' }, /reset/],
    [{ create: () => ({}), max: -1 }, /max/],
    [{ create: () => ({}), max: 1.5 }, /max/],
    [{ create: () => ({}), name: '' }, /name/],
    [{ create: () => ({}), drainOn: 'always' }, /drainOn.*soft, hard, never/],
    [{ create: () => ({}), maxx: 5 }, /maxx 5: unknown option; did you mean "max"\?/],
  ])('rejects %j with an InvalidOptionError naming the option', (options, rule) => {
    expect(() => createPool(options as never)).toThrow(InvalidOptionError)
    expect(() => createPool(options as never)).toThrow(rule)
  })

  it('names pools that were not given a name', () => {
    const a = createPool({ create: () => ({}) })
    const b = createPool({ create: () => ({}) })
    expect(a.name).toMatch(/^pool-\d+$/)
    expect(b.name).not.toBe(a.name)
  })
})
