import { envVariableNames } from '../config/env.js'
import { configSchema } from '../config/schema.js'
import { schemaLeaves } from '../config/schema-walk.js'
import { formatBytes, formatDuration } from './format.js'
import type { ProfileName, RecommendationApply, TuningValues } from '../types.js'

// The YAML keys and environment variables an action names come from the configuration schema
// and config/env.ts's naming rule, never typed by hand, so they cannot drift from what is read.

let cachedPaths: ReadonlySet<string> | undefined

/** Every setting path of the configuration schema, e.g. `cache.l1.maxBytes`. */
export function settingPaths(): ReadonlySet<string> {
  cachedPaths ??= new Set(schemaLeaves(configSchema).map((leaf) => leaf.path.join('.')))
  return cachedPaths
}

/**
 * How to set one configuration key: its YAML line and environment assignment. Settings are read
 * at start-up, so a change made this way needs a restart. Throws when `path` is not a setting of
 * the schema, so a rule naming a key that does not exist fails its tests rather than a user.
 *
 * @example
 * settingApply('cache.ttl', '2h') // { yaml: 'cache.ttl: 2h', env: 'BI_PERF_CACHE_TTL=2h', restart: true }
 */
export function settingApply(path: string, value: string): RecommendationApply {
  if (!settingPaths().has(path)) throw new Error(`${path} is not a configuration setting`)
  const env = envVariableNames()[path]!
  return { yaml: `${path}: ${value}`, env: `${env}=${value}`, restart: true }
}

/**
 * How to switch profile: `bi-performance optimize` applies it live on every instance; the YAML key
 * and environment variable keep it across restarts.
 *
 * @example
 * profileApply('memory').command // 'bi-performance optimize memory'
 */
export function profileApply(profile: ProfileName): RecommendationApply {
  return {
    ...settingApply('profile', profile),
    command: `bi-performance optimize ${profile}`,
    restart: false,
  }
}

/**
 * An action applied by a command rather than a setting.
 *
 * @example
 * commandApply('bi-performance heap-snapshot') // { command: 'bi-performance heap-snapshot', restart: false }
 */
export function commandApply(command: string): RecommendationApply {
  return { command, restart: false }
}

/** What no configuration key or command applies: a code or infrastructure change. */
export const NO_SETTING: RecommendationApply = Object.freeze({ restart: false })

/** A tuning value a rule may propose to change, and how it is read and written. */
interface Tunable {
  read(tuning: TuningValues): number
  format(value: number): string
}

/**
 * The tuning values rules propose changes to, by configuration path. The profile guard compares a
 * proposal with the active profile's value through these.
 */
export const TUNABLES = {
  'cache.ttl': { read: (t) => t.cache.ttlMs, format: formatDuration },
  'cache.l1.maxBytes': { read: (t) => t.cache.l1MaxBytes, format: formatBytes },
  'cache.compression.threshold': {
    read: (t) => t.cache.compressionThreshold,
    format: formatBytes,
  },
  'database.pool.max': { read: (t) => t.db.poolMax, format: String },
  'database.cacheTtl': { read: (t) => t.db.cacheTtlMs, format: formatDuration },
  'tasks.concurrency.max': { read: (t) => t.tasks.concurrencyMax, format: String },
} as const satisfies Record<string, Tunable>

/** A configuration path a rule may propose a new value for. */
export type TunablePath = keyof typeof TUNABLES

/** A proposed change of one tuning value. */
export interface SettingProposal {
  setting: TunablePath
  from: number
  to: number
}

/**
 * The change as a phrase, e.g. `raise cache.ttl from 1h to 2h`.
 *
 * @example
 * describeProposal({ setting: 'cache.ttl', from: 3_600_000, to: 7_200_000 }) // 'raise cache.ttl from 1h to 2h'
 */
export function describeProposal({ setting, from, to }: SettingProposal): string {
  const { format } = TUNABLES[setting]
  return `${to > from ? 'raise' : 'lower'} ${setting} from ${format(from)} to ${format(to)}`
}

/**
 * How to apply a proposal: its YAML line and environment assignment.
 *
 * @example
 * proposalApply({ setting: 'cache.ttl', from: 3_600_000, to: 7_200_000 }).yaml // 'cache.ttl: 2h'
 */
export function proposalApply(proposal: SettingProposal): RecommendationApply {
  return settingApply(proposal.setting, TUNABLES[proposal.setting].format(proposal.to))
}
