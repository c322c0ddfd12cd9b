import { describe, expect, it } from 'vitest'
import { QueryRecorder } from './query-recorder.js'

const options = { slowQueryMs: 100, maxSlowQueries: 2, maxQueryShapes: 2, topQueries: 10 }

describe('QueryRecorder', () => {
  it('groups by shape and orders the top list by total time', () => {
    const recorder = new QueryRecorder(options)
    recorder.record('select $1', 1, null)
    recorder.record('select $1', 3, null)
    recorder.record('update t set a = $1', 50, '23505')
    const stats = recorder.stats()
    expect(stats.executed).toBe(3)
    expect(stats.errors).toBe(1)
    expect(stats.top.map((shape) => shape.sql)).toEqual(['update t set a = $1', 'select $1'])
    expect(stats.top[1]).toMatchObject({ count: 2, errors: 0, totalMs: 4, meanMs: 2 })
  })

  it('keeps a bounded list of the latest slow queries', () => {
    const recorder = new QueryRecorder(options)
    recorder.record('a', 150, null)
    recorder.record('b', 200, '57014')
    recorder.record('c', 300, null)
    recorder.record('d', 5, null)
    expect(recorder.stats().slow.map((entry) => [entry.sql, entry.error])).toEqual([
      ['b', '57014'],
      ['c', null],
    ])
  })

  it('counts shapes past the bound under (other)', () => {
    const recorder = new QueryRecorder(options)
    for (const sql of ['a', 'b', 'c', 'd']) recorder.record(sql, 1, null)
    const stats = recorder.stats()
    expect(stats.shapes).toBe(3)
    expect(stats.top.find((shape) => shape.sql === '(other)')?.count).toBe(2)
  })
})
