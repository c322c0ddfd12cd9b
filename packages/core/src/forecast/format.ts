import type { Forecast } from '../types.js'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * A time span for a sentence, rounded as coarsely as a forecast deserves: to 5 s under a minute,
 * to the minute under an hour, to 5 min under a day, to the hour beyond.
 *
 * @example
 * formatSpan(11_400_000) // '3 h 10 min'
 * formatSpan(240_000) // '4 min'
 */
export function formatSpan(ms: number): string {
  if (ms < MINUTE) return `${Math.round(ms / (5 * SECOND)) * 5} s`
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`
  if (ms < DAY) {
    const minutes = Math.round(ms / (5 * MINUTE)) * 5
    const hours = Math.floor(minutes / 60)
    const rest = minutes % 60
    return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
  }
  const hours = Math.round(ms / HOUR)
  const days = Math.floor(hours / 24)
  const rest = hours % 24
  return rest === 0 ? `${days} d` : `${days} d ${rest} h`
}

/**
 * An amount in a forecast's unit for a sentence: binary units with a space for bytes
 * (`12.4 MiB`), whole or one-decimal counts otherwise.
 *
 * @example
 * formatAmount(13_002_342, 'bytes') // '12.4 MiB'
 * formatAmount(3, 'connections') // '3 connections'
 */
export function formatAmount(value: number, unit: Forecast['unit']): string {
  if (unit === 'bytes') {
    const magnitude = Math.abs(value)
    const units: [string, number][] = [
      ['TiB', 1024 ** 4],
      ['GiB', 1024 ** 3],
      ['MiB', 1024 ** 2],
      ['KiB', 1024],
    ]
    for (const [name, size] of units) {
      if (magnitude >= size) return `${oneDecimal(value / size)} ${name}`
    }
    return `${Math.round(value)} B`
  }
  const count = oneDecimal(value)
  const noun = unit === 'tasks' ? 'task' : 'connection'
  return `${count} ${count === 1 ? noun : `${noun}s`}`
}

/**
 * A rate per minute for a sentence, signed: `+12.4 MiB/min`, `-3 tasks/min`.
 *
 * @example
 * formatRate(13_002_342, 'bytes') // '+12.4 MiB/min'
 */
export function formatRate(perMinute: number, unit: Forecast['unit']): string {
  const sign = perMinute > 0 ? '+' : perMinute < 0 ? '-' : '±'
  const amount =
    unit === 'bytes'
      ? formatAmount(Math.abs(perMinute), unit)
      : `${oneDecimal(Math.abs(perMinute))} ${unit}`
  return `${sign}${amount}/min`
}

function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10
}
