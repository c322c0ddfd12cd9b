import { describe, expect, it } from 'vitest'
import { formatBytes, formatDuration, formatPercent, round, shortenSql } from './format.js'

describe('recommend formatting', () => {
  it('writes sizes in the largest binary unit, as the configuration reads them', () => {
    expect(formatBytes(64 * 1024 * 1024)).toBe('64MiB')
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5GiB')
    expect(formatBytes(4096)).toBe('4KiB')
    expect(formatBytes(256)).toBe('256B')
    expect(formatBytes(0)).toBe('0B')
  })

  it('writes durations in the largest unit that divides them', () => {
    expect(formatDuration(300_000)).toBe('5m')
    expect(formatDuration(3_600_000)).toBe('1h')
    expect(formatDuration(7_200_000)).toBe('2h')
    expect(formatDuration(90_000)).toBe('90s')
    expect(formatDuration(172_800_000)).toBe('2d')
    expect(formatDuration(250)).toBe('250ms')
  })

  it('rounds figures and percentages for sentences', () => {
    expect(round(0.41666)).toBe(0.42)
    expect(round(12.345, 1)).toBe(12.3)
    expect(formatPercent(0.41666)).toBe('41.7%')
  })

  it('puts SQL on one line and cuts it to the given length', () => {
    expect(shortenSql('SELECT *\n  FROM orders\n WHERE id = $1')).toBe(
      'SELECT * FROM orders WHERE id = $1',
    )
    const cut = shortenSql(`SELECT ${'x, '.repeat(100)}y FROM t`)
    expect(cut).toHaveLength(80)
    expect(cut.endsWith('…')).toBe(true)
  })
})
