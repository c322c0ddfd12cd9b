import type { BiPerfConfig } from './config-schema.js'
import { PROFILES } from './profiles.js'
import type { ProfileName, SettingChange, TuningValues } from './types.js'

/**
 * The values a profile asks for, with every setting the configuration gives explicitly pinned:
 * a user who wrote `cache.l1.maxBytes: 32MiB` keeps 32 MiB whichever profile is active.
 */
export function tuningFor(profile: ProfileName, config: BiPerfConfig): TuningValues {
  const base = PROFILES[profile]
  const concurrency = config.tasks.concurrency
  return {
    cache: {
      ttlMs: config.cache.ttl ?? base.cache.ttlMs,
      l1MaxEntries: config.cache.l1.maxEntries ?? base.cache.l1MaxEntries,
      l1MaxBytes: config.cache.l1.maxBytes ?? base.cache.l1MaxBytes,
      compressionThreshold: config.cache.compression.threshold ?? base.cache.compressionThreshold,
    },
    db: {
      poolMax: config.database.pool.max ?? base.db.poolMax,
      cacheTtlMs: config.database.cacheTtl ?? base.db.cacheTtlMs,
    },
    tasks: {
      concurrencyMin: concurrency?.min ?? base.tasks.concurrencyMin,
      concurrencyMax: concurrency?.max ?? base.tasks.concurrencyMax,
    },
    memory: {
      softLimit: config.memory.softLimit ?? base.memory.softLimit,
      hardLimit: config.memory.hardLimit ?? base.memory.hardLimit,
    },
  }
}

/** The configuration path of each tuning value, as `SettingChange.setting` names it. */
const SETTING_PATHS = {
  cache: {
    ttlMs: 'cache.ttl',
    l1MaxEntries: 'cache.l1.maxEntries',
    l1MaxBytes: 'cache.l1.maxBytes',
    compressionThreshold: 'cache.compression.threshold',
  },
  db: { poolMax: 'database.pool.max', cacheTtlMs: 'database.cacheTtl' },
  tasks: { concurrencyMin: 'tasks.concurrency.min', concurrencyMax: 'tasks.concurrency.max' },
  memory: { softLimit: 'memory.softLimit', hardLimit: 'memory.hardLimit' },
} as const satisfies { [G in keyof TuningValues]: Record<keyof TuningValues[G], string> }

/** Every value that differs between two tunings, in table order. */
export function diffTuning(from: TuningValues, to: TuningValues): SettingChange[] {
  const changes: SettingChange[] = []
  for (const group of Object.keys(SETTING_PATHS) as (keyof TuningValues)[]) {
    const paths: Record<string, string> = SETTING_PATHS[group]
    const before = from[group] as unknown as Record<string, number>
    const after = to[group] as unknown as Record<string, number>
    for (const [field, setting] of Object.entries(paths)) {
      if (before[field] !== after[field]) {
        changes.push({ setting, from: before[field]!, to: after[field]! })
      }
    }
  }
  return changes
}
