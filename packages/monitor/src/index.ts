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
export { hasErrorCode } from '@bi-perf/internal'
export { DEFAULTS, DEFAULT_THRESHOLDS } from './defaults.js'
export { STATIC_METRICS } from './metric-names.js'
export type * from './types.js'
