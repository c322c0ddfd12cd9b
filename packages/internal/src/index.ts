export { describeValue } from './describe-value.js'
export { readDuration } from './duration.js'
export type { Duration, DurationReading } from './duration.js'
