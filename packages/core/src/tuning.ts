import type { BiPerfConfig } from './config/schema.js'
import { PROFILES } from './profiles.js'
import { usesRedis } from './redis-config.js'
import type { HeldSetting, ProfileName, SettingChange, TuningValues } from './types.js'

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

/**
 * Why each tuning setting has no effect with this configuration's backends, by setting path;
 * settings that apply are absent. Embedded PGlite is one session (`database.pool.max` is capped
 * at 1), the compression threshold only applies to values stored in Redis, the L1 bounds need
 * the in-process tier, concurrency needs a task worker in this process, and a disabled component
 * ignores all of its settings.
 *
 * @example
 * settingLimits(resolveConfig({})).get('database.pool.max') // 'capped at 1 by embedded PGlite'
 */
export function settingLimits(config: BiPerfConfig): Map<string, string> {
  const limits = new Map<string, string>()
  const hold = (group: keyof TuningValues, reason: string, fields?: readonly string[]) => {
    const paths: Record<string, string> = SETTING_PATHS[group]
    for (const [field, setting] of Object.entries(paths)) {
      if ((!fields || fields.includes(field)) && !limits.has(setting)) limits.set(setting, reason)
    }
  }
  if (!config.database.enabled) hold('db', 'database disabled (database.enabled: false)')
  else if (config.database.url === undefined) {
    hold('db', 'capped at 1 by embedded PGlite', ['poolMax'])
  }
  if (!config.cache.enabled) hold('cache', 'cache disabled (cache.enabled: false)')
  if (!usesRedis(config.redis)) {
    hold('cache', 'compresses only values stored in Redis; no Redis configured', [
      'compressionThreshold',
    ])
  }
  if (!config.cache.l1.enabled) {
    hold('cache', 'the in-process tier is off (cache.l1.enabled: false)', [
      'l1MaxEntries',
      'l1MaxBytes',
    ])
  }
  if (!config.tasks.enabled) hold('tasks', 'task queue disabled (tasks.enabled: false)')
  else if (!config.tasks.worker)
    hold('tasks', 'no task worker in this process (tasks.worker: false)')
  if (!config.memory.enabled) hold('memory', 'memory manager disabled (memory.enabled: false)')
  return limits
}

/**
 * What a profile switch does on this configuration's backends: `changes` are the live values
 * that moved, leaving out settings the backend caps or ignores; `held` lists those the new
 * profile asks to change but that have no effect here, with why. A PGlite pool never shows as
 * "database.pool.max 10 → 1" (it was 1 all along); it shows as held.
 *
 * @param before the live values before the switch
 * @param after the live values after it
 * @example
 * const { changes, held } = profileEffect(live, next, 'balanced', 'performance', config)
 * held // [{ setting: 'database.pool.max', requested: 20, reason: 'capped at 1 by embedded PGlite' }]
 */
export function profileEffect(
  before: TuningValues,
  after: TuningValues,
  previous: ProfileName,
  profile: ProfileName,
  config: BiPerfConfig,
): { changes: SettingChange[]; held: HeldSetting[] } {
  const limits = settingLimits(config)
  const changes = diffTuning(before, after).filter((change) => !limits.has(change.setting))
  const held = diffTuning(tuningFor(previous, config), tuningFor(profile, config)).flatMap(
    (change) => {
      const reason = limits.get(change.setting)
      return reason === undefined ? [] : [{ setting: change.setting, requested: change.to, reason }]
    },
  )
  return { changes, held }
}
