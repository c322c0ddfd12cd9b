export { createMonitor } from './create-monitor.js'
export { parseDuration } from './duration.js'
export {
  AlreadyRegisteredError,
  InvalidDurationError,
  InvalidOptionError,
  InvalidSampleError,
  MissingPeerError,
  MonitorError,
  UnknownMetricError,
  errors,
} from './errors.js'
export { DEFAULT_THRESHOLDS } from './options.js'
export { STATIC_METRICS } from './metric-names.js'
export type * from './types.js'
