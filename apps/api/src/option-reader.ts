import { InvalidArgumentError } from '@bi-perf/core'
import { createOptionReader } from '@bi-perf/internal'

/**
 * Reads the API's own options (the demo workload, its dataset, the log destination) with the
 * shared rules of `@bi-perf/internal`. A bad value throws core's `InvalidArgumentError`
 * (`E_CORE_INVALID_ARGUMENT`), the error these options have always thrown; `listen()`'s edge
 * options keep their own `EdgeOptionsError` (see http/edge-options.ts).
 *
 * @example
 * const rows = readOption.count('options.rows', options.rows ?? SEED_DEFAULTS.rows)
 */
export const readOption = createOptionReader({
  option: (field, value, rule) => new InvalidArgumentError(field, value, rule),
  duration: (field, value, rule) => new InvalidArgumentError(field, value, rule),
})
