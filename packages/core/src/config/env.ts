import type { ConfigIssue } from '../errors.js'
import { configSchema } from './schema.js'
import { schemaLeaves } from './schema-walk.js'
import type { LeafKind, SchemaLeaf } from './schema-walk.js'
import { closestName } from '@bi-perf/internal'

/**
 * Settings whose variable is the name other tools already use, or a shorter one, instead of
 * the `BI_PERF_<PATH>` rule.
 */
const CONVENTIONAL_NAMES: Readonly<Record<string, string>> = {
  'redis.url': 'REDIS_URL',
  'redis.clusterNodes': 'REDIS_CLUSTER_NODES',
  'database.url': 'DATABASE_URL',
  'server.port': 'PORT',
  'server.host': 'HOST',
  'server.logLevel': 'BI_PERF_LOG_LEVEL',
  'server.logFormat': 'BI_PERF_LOG_FORMAT',
  'server.auth.jwtSecret': 'BI_PERF_JWT_SECRET',
  'server.auth.jwtPreviousSecrets': 'BI_PERF_JWT_PREVIOUS_SECRETS',
  'server.auth.jwtPublicKey': 'BI_PERF_JWT_PUBLIC_KEY',
  'server.auth.jwksUrl': 'BI_PERF_JWKS_URL',
}

/**
 * `BI_PERF_` variables that are not settings: the configuration file's path, and the CLI's
 * server URL and token.
 */
export const RESERVED_ENV_NAMES: readonly string[] = [
  'BI_PERF_CONFIG',
  'BI_PERF_URL',
  'BI_PERF_TOKEN',
]

const ENV_PREFIX = 'BI_PERF_'

/** A setting read from the environment. */
export interface EnvSetting {
  path: readonly string[]
  value: unknown
  /** `env NAME`, for error reports. */
  source: string
}

/** What the environment sets, and the problems found while reading it. */
export interface EnvReading {
  settings: EnvSetting[]
  issues: ConfigIssue[]
}

interface EnvLeaf extends SchemaLeaf {
  name: string
  /** The name by the `BI_PERF_<PATH>` rule, even where a conventional name replaces it. */
  ruleName: string
}

let cachedLeaves: readonly EnvLeaf[] | undefined

function envLeaves(): readonly EnvLeaf[] {
  cachedLeaves ??= schemaLeaves(configSchema).map((leaf) => {
    const ruleName = ENV_PREFIX + leaf.path.map(upperSnake).join('_')
    return { ...leaf, ruleName, name: CONVENTIONAL_NAMES[leaf.path.join('.')] ?? ruleName }
  })
  return cachedLeaves
}

function upperSnake(segment: string): string {
  return segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

/**
 * The environment variable of every setting, by dotted path, in schema order: `BI_PERF_` and the
 * path's segments split at camelCase humps, upper snake case, joined by `_`
 * (`cache.l1.maxBytes` → `BI_PERF_CACHE_L1_MAX_BYTES`), except the conventional names
 * `REDIS_URL`, `REDIS_CLUSTER_NODES`, `DATABASE_URL`, `PORT`, `HOST`, `BI_PERF_LOG_LEVEL`,
 * `BI_PERF_LOG_FORMAT`, `BI_PERF_JWT_SECRET`, `BI_PERF_JWT_PUBLIC_KEY` and `BI_PERF_JWKS_URL`.
 *
 * @example
 * envVariableNames()['cache.l1.maxBytes'] // 'BI_PERF_CACHE_L1_MAX_BYTES'
 * envVariableNames()['redis.url'] // 'REDIS_URL'
 */
export function envVariableNames(): Record<string, string> {
  return Object.fromEntries(envLeaves().map((leaf) => [leaf.path.join('.'), leaf.name]))
}

/**
 * Reads every setting the environment gives, coerced to its type (see {@link LeafKind}); empty
 * strings count as unset. Unknown `BI_PERF_` variables are issues, with the nearest known name
 * as a suggestion; values are never echoed.
 */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): EnvReading {
  const settings: EnvSetting[] = []
  const issues: ConfigIssue[] = []
  const known = new Set(RESERVED_ENV_NAMES)
  for (const leaf of envLeaves()) {
    known.add(leaf.name)
    const raw = env[leaf.name]
    if (raw === undefined || raw === '') continue
    const source = `env ${leaf.name}`
    const coerced = coerce(raw, leaf.kind)
    if ('rule' in coerced) issues.push({ path: leaf.path.join('.'), rule: coerced.rule, source })
    else settings.push({ path: leaf.path, value: coerced.value, source })
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith(ENV_PREFIX) || known.has(name)) continue
    issues.push({ path: name, rule: unknownSettingRule(name), source: `env ${name}` })
  }
  return { settings, issues }
}

function unknownSettingRule(name: string): string {
  // Compare with the rule names too, so BI_PERF_REDIS_URL suggests REDIS_URL.
  const byRuleName = new Map<string, string>()
  for (const leaf of envLeaves()) {
    byRuleName.set(leaf.ruleName.slice(ENV_PREFIX.length), leaf.name)
    if (leaf.name.startsWith(ENV_PREFIX))
      byRuleName.set(leaf.name.slice(ENV_PREFIX.length), leaf.name)
  }
  const closest = closestName(name.slice(ENV_PREFIX.length), byRuleName.keys())
  return closest === undefined
    ? 'unknown setting'
    : `unknown setting; did you mean ${byRuleName.get(closest)}?`
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i
const TRUE = new Set(['true', '1', 'yes'])
const FALSE = new Set(['false', '0', 'no'])

/**
 * A string as the value a leaf of `kind` expects. A string that does not fit a number or boolean
 * is passed on unchanged, so the schema reports it with its usual rule.
 */
export function coerce(raw: string, kind: LeafKind): { value: unknown } | { rule: string } {
  const text = raw.trim()
  switch (kind) {
    case 'number':
      return { value: NUMBER.test(text) ? Number(text) : raw }
    case 'number-or-string':
      return { value: NUMBER.test(text) ? Number(text) : text }
    case 'boolean': {
      const word = text.toLowerCase()
      if (TRUE.has(word)) return { value: true }
      if (FALSE.has(word)) return { value: false }
      return { rule: 'expected true, false, 1, 0, yes or no' }
    }
    case 'list':
      return {
        value: text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      }
    case 'json':
      return readJsonObject(text)
    default:
      return { value: raw }
  }
}

function readJsonObject(text: string): { value: unknown } | { rule: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the input, which may hold a secret.
    value = undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { rule: 'expected a JSON object, e.g. {"reports":{"ttl":"5m"}}' }
  }
  return { value }
}
