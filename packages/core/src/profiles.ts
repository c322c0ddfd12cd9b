import { readDuration, type Duration } from '@bi-perf/internal'
import { PACKAGE_DEFAULTS } from './config/defaults.js'
import { UnknownProfileError } from './errors.js'
import type { ProfileName, TuningValues } from './types.js'

const MiB = 1024 * 1024
const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const { cache, database, tasks, memory } = PACKAGE_DEFAULTS

/** A package default duration in milliseconds; the packages' own tests keep them valid. */
function ms(value: Duration): number {
  const reading = readDuration(value)
  if ('rule' in reading) throw new Error(`invalid package default duration ${String(value)}`)
  return reading.ms
}

/**
 * The concrete values of each profile. A setting given explicitly in the configuration wins over
 * every profile (it is pinned); a profile supplies the rest.
 *
 * | setting                       | balanced | memory | performance |
 * |-------------------------------|----------|--------|-------------|
 * | `cache.ttl`                   | 1h       | 30m    | 4h          |
 * | `cache.l1.maxEntries`         | 10,000   | 2,000  | 50,000      |
 * | `cache.l1.maxBytes`           | 64 MiB   | 16 MiB | 256 MiB     |
 * | `cache.compression.threshold` | 1 KiB    | 256 B  | 4 KiB       |
 * | `database.pool.max`           | 10       | 4      | 20          |
 * | `database.cacheTtl`           | 1m       | 30s    | 5m          |
 * | `tasks.concurrency`           | 1–10     | 1–4    | 2–32        |
 * | `memory.softLimit`            | 0.70     | 0.60   | 0.80        |
 * | `memory.hardLimit`            | 0.85     | 0.75   | 0.90        |
 *
 * `balanced` is the feature packages' own defaults (their `DEFAULTS`), so a component runs the
 * same inside the optimizer as on its own. `memory` trades hit rate and throughput for a
 * smaller, earlier-cleaned heap: it compresses more values (less Redis memory and bandwidth, more
 * CPU), keeps fewer in process, and runs fewer things at once. `performance` spends memory and
 * connections for speed. A test holds this table and the README's to these values.
 */
export const PROFILES: Readonly<Record<ProfileName, TuningValues>> = Object.freeze({
  balanced: {
    cache: {
      ttlMs: ms(cache.ttl),
      l1MaxEntries: cache.l1.maxEntries,
      l1MaxBytes: cache.l1.maxBytes,
      compressionThreshold: cache.compression.threshold,
    },
    db: { poolMax: database.pool.max, cacheTtlMs: ms(database.cacheTtl) },
    tasks: { concurrencyMin: tasks.concurrency.min, concurrencyMax: tasks.concurrency.max },
    memory: { softLimit: memory.softLimit, hardLimit: memory.hardLimit },
  },
  memory: {
    cache: {
      ttlMs: 30 * MINUTE,
      l1MaxEntries: 2_000,
      l1MaxBytes: 16 * MiB,
      compressionThreshold: 256,
    },
    db: { poolMax: 4, cacheTtlMs: 30 * SECOND },
    tasks: { concurrencyMin: 1, concurrencyMax: 4 },
    memory: { softLimit: 0.6, hardLimit: 0.75 },
  },
  performance: {
    cache: {
      ttlMs: 4 * HOUR,
      l1MaxEntries: 50_000,
      l1MaxBytes: 256 * MiB,
      compressionThreshold: 4096,
    },
    db: { poolMax: 20, cacheTtlMs: 5 * MINUTE },
    tasks: { concurrencyMin: 2, concurrencyMax: 32 },
    memory: { softLimit: 0.8, hardLimit: 0.9 },
  },
})

/** The profile names, in the order they are documented. */
export const profileNames: readonly ProfileName[] = Object.freeze([
  'balanced',
  'memory',
  'performance',
])

/** The name as a {@link ProfileName}, or an {@link UnknownProfileError} listing the valid ones. */
export function toProfileName(name: unknown): ProfileName {
  if (typeof name === 'string' && (profileNames as readonly string[]).includes(name)) {
    return name as ProfileName
  }
  throw new UnknownProfileError(name, profileNames)
}
