export { readDuration } from './duration.js'
export type { Duration, DurationReading } from './duration.js'
