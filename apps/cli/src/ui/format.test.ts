import { describe, expect, it } from 'vitest'
import {
  formatBytes,
  formatChange,
  formatDuration,
  formatMs,
  formatRate,
  formatValue,
} from './format.js'

describe('format', () => {
  it('shows bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(47_290_000)).toBe('45.1 MiB')
    expect(formatBytes(4 * 1024 ** 3)).toBe('4.0 GiB')
  })

  it('shows durations with their two largest non-zero units', () => {
    expect(formatDuration(850)).toBe('850ms')
    expect(formatDuration(192_000)).toBe('3m12s')
    expect(formatDuration(3_600_000)).toBe('1h')
    expect(formatDuration(90_000_000)).toBe('1d1h')
  })

  it('shows rates and milliseconds with sensible precision', () => {
    expect(formatRate(2_460_000)).toBe('2.46 M')
    expect(formatRate(43_012)).toBe('43.0 k')
    expect(formatMs(0.0421)).toBe('0.042 ms')
    expect(formatMs(312.4)).toBe('312 ms')
  })

  it('signs changes and names units of benchmark values', () => {
    expect(formatChange(12.46)).toBe('+12.5 %')
    expect(formatChange(-3)).toBe('-3.0 %')
    expect(formatValue(51_200, 'ops/s')).toBe('51.2 k ops/s')
    expect(formatValue(4.21, 'ms')).toBe('4.21 ms')
  })
})
