import { buildComponents } from './build-components.js'
import { loadConfig, resolveConfig } from './config/loader.js'
import type { BiPerfConfig, BiPerfConfigInput } from './config/schema.js'
import { Optimizer } from './optimizer.js'
import { tuningFor } from './tuning.js'

/**
 * Creates an optimizer from a configuration: a validated `BiPerfConfig`, a partial one written in
 * code (validated here), or nothing, which loads `bi-perf.yaml` and the environment through
 * `loadConfig()`. Each subsystem can be turned off (`cache.enabled: false`…).
 *
 * @example
 * const perf = await createOptimizer({ redis: { url: 'redis://127.0.0.1:6379' } })
 * await perf.start()
 * perf.status().state // 'ok'
 * await perf.applyProfile('memory')
 * perf.recommendations({ priority: 'high' })
 * await perf.stop()
 */
export async function createOptimizer(
  config?: BiPerfConfig | BiPerfConfigInput,
): Promise<Optimizer> {
  const resolved = config === undefined ? await loadConfig() : resolveConfig(config)
  const tuning = tuningFor(resolved.profile, resolved)
  return new Optimizer(resolved, await buildComponents(resolved, tuning), tuning)
}
