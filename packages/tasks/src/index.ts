export { decideConcurrency } from './autoscaler.js'
export type { ScaleInput, ScalePolicy } from './autoscaler.js'
export { backoffBounds, backoffDelay } from './backoff.js'
export { DEFAULTS } from './defaults.js'
export type { TaskQueueDefaults } from './defaults.js'
export { parseDuration } from './duration.js'
export {
  EnqueueUncertainError,
  HandlerDefinitionError,
  InvalidArgumentError,
  InvalidDurationError,
  InvalidOptionError,
  ShutdownError,
  TaskError,
  TaskQueueClosedError,
  TaskTimeoutError,
  TasksUnavailableError,
  UnknownTaskError,
  UnserializableDataError,
  errors,
} from './errors.js'
export { hasErrorCode } from '@bi-perf/internal'
export { createLoadProbe } from './load-probe.js'
export type { ResolvedBackoff } from './options.js'
export { TaskQueue, createTaskQueue } from './task-queue.js'
export type * from './types.js'
