import { readFile } from 'node:fs/promises'
import { DEFAULTS as CACHE } from '@bi-perf/cache'
import { DEFAULTS as DB } from '@bi-perf/db'
import { readDuration } from '@bi-perf/internal'
import { DEFAULTS as MEMORY } from '@bi-perf/memory'
import { DEFAULTS as MONITOR } from '@bi-perf/monitor'
import { DEFAULTS as TASKS } from '@bi-perf/tasks'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readByteSize } from '../src/config/bytes.js'
import { SERVICE_DEFAULTS } from '../src/config/defaults.js'
import { loadConfig, resolveConfig } from '../src/config/loader.js'
import { PROFILES } from '../src/profiles.js'
import type { ProfileName, TuningValues } from '../src/types.js'

// One source of truth for defaults: each feature package's DEFAULTS. The configuration schema,
// the balanced profile, the example configuration and the tables in the READMEs must all say
// what the packages apply.

const root = new URL('../../../', import.meta.url)
const EXAMPLE = new URL('bi-perf.example.yaml', root)

/** A duration in milliseconds; any other value as it is. */
function normalized(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const reading = readDuration(value)
  return 'rule' in reading ? value : reading.ms
}

/** Each configuration setting whose default is a package's, and that package default. */
const SHARED: readonly (readonly [setting: string, packageDefault: unknown])[] = [
  ['redis.prefix', CACHE.prefix],
  ['redis.prefix', TASKS.prefix],
  ['redis.commandTimeout', CACHE.commandTimeout],
  ['database.slowQueryMs', DB.slowQueryMs],
  ['database.cacheScopes', DB.cacheScopes],
  ['cache.ttlJitter', CACHE.ttlJitter],
  ['cache.grace', CACHE.grace],
  ['cache.l1.enabled', CACHE.l1.enabled],
  ['cache.l1.values', CACHE.l1.values],
  ['cache.compression.codec', CACHE.compression.codec],
  ['cache.coherence', CACHE.coherence],
  ['tasks.worker', TASKS.worker],
  ['tasks.retry.attempts', TASKS.retry.attempts],
  ['tasks.retry.backoff.delay', TASKS.retry.backoff.delay],
  ['tasks.retry.backoff.max', TASKS.retry.backoff.maxDelay],
  ['tasks.timeout', TASKS.timeout],
  ['tasks.lockDuration', TASKS.lockDuration],
  ['tasks.stalledInterval', TASKS.stalledInterval],
  ['tasks.commandTimeout', TASKS.commandTimeout],
  ['memory.checkInterval', MEMORY.checkInterval],
  ['memory.minGcInterval', MEMORY.minGcInterval],
  ['memory.leakDetection', MEMORY.leakDetection],
  ['monitor.interval', MONITOR.interval],
  ['monitor.history', MONITOR.history],
  ['monitor.thresholds', MONITOR.thresholds],
]

function at(value: unknown, dotted: string): unknown {
  let current = value
  for (const segment of dotted.split('.')) {
    current = (current as Record<string, unknown> | undefined)?.[segment]
  }
  return current
}

describe('defaults', () => {
  const config = resolveConfig({})

  it.each(SHARED)('%s defaults to its package default', (setting, packageDefault) => {
    expect(at(config, setting)).toEqual(normalized(packageDefault))
  })

  it('spreads TTLs by ±10 % in the cache package and in the configuration alike', () => {
    expect(CACHE.ttlJitter).toBe(0.1)
    expect(config.cache.ttlJitter).toBe(0.1)
  })

  it('differs from a package default only where SERVICE_DEFAULTS says why', () => {
    expect(config.redis.connectTimeout).toBe(normalized(SERVICE_DEFAULTS.redis.connectTimeout))
    expect(config.redis.connectTimeout).not.toBe(normalized(CACHE.connectTimeout))
  })

  it('makes the balanced profile the packages’ own tuning', () => {
    expect(PROFILES.balanced).toEqual({
      cache: {
        ttlMs: normalized(CACHE.ttl),
        l1MaxEntries: CACHE.l1.maxEntries,
        l1MaxBytes: CACHE.l1.maxBytes,
        compressionThreshold: CACHE.compression.threshold,
      },
      db: { poolMax: DB.pool.max, cacheTtlMs: normalized(DB.cacheTtl) },
      tasks: { concurrencyMin: TASKS.concurrency.min, concurrencyMax: TASKS.concurrency.max },
      memory: { softLimit: MEMORY.softLimit, hardLimit: MEMORY.hardLimit },
    })
  })

  it('are what bi-perf.example.yaml sets', async () => {
    expect(await loadConfig({ file: EXAMPLE.pathname, env: {} })).toEqual(config)
  })
})

/** The tuning value a row of a profiles table names, by its setting. */
const TUNING: Readonly<Record<string, (tuning: TuningValues) => unknown>> = {
  'cache.ttl': (tuning) => tuning.cache.ttlMs,
  'cache.l1.maxEntries': (tuning) => tuning.cache.l1MaxEntries,
  'cache.l1.maxBytes': (tuning) => tuning.cache.l1MaxBytes,
  'cache.compression.threshold': (tuning) => tuning.cache.compressionThreshold,
  'database.pool.max': (tuning) => tuning.db.poolMax,
  'database.cacheTtl': (tuning) => tuning.db.cacheTtlMs,
  'tasks.concurrency': (tuning) => [tuning.tasks.concurrencyMin, tuning.tasks.concurrencyMax],
  'memory.softLimit': (tuning) => tuning.memory.softLimit,
  'memory.hardLimit': (tuning) => tuning.memory.hardLimit,
}

/** A cell of a profiles table: `1h`, `10,000`, `64 MiB`, `0.70` or a range `1–10`. */
function tableValue(cell: string): unknown {
  if (cell.includes('–')) return cell.split('–').map(Number)
  const duration = readDuration(cell)
  if (!('rule' in duration)) return duration.ms
  if (/B$/.test(cell)) {
    const size = readByteSize(cell.replaceAll(' ', ''))
    if (!('rule' in size)) return size.bytes
  }
  return Number(cell.replaceAll(',', ''))
}

/** The rows `| \`setting\` | balanced | memory | performance |` of the profiles tables in `text`. */
function profileRows(text: string): [string, string[]][] {
  const rows: [string, string[]][] = []
  for (const line of text.split('\n')) {
    const cells = line
      .replace(/^\s*\*?\s*/, '')
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim())
    const setting = /^`([\w.]+)`$/.exec(cells[0] ?? '')?.[1]
    if (setting !== undefined && setting in TUNING && cells.length === 4) {
      rows.push([setting, cells.slice(1)])
    }
  }
  return rows
}

describe('the profiles tables', () => {
  it.each(['packages/core/README.md', 'packages/core/src/profiles.ts'])(
    'of %s show every profile’s values',
    async (file) => {
      const rows = profileRows(await readFile(new URL(file, root), 'utf8'))
      expect(rows.map(([setting]) => setting)).toEqual(Object.keys(TUNING))
      const names: ProfileName[] = ['balanced', 'memory', 'performance']
      for (const [setting, cells] of rows) {
        const shown = cells.map(tableValue)
        const actual = names.map((name) => TUNING[setting]!(PROFILES[name]))
        expect({ setting, values: shown }).toEqual({ setting, values: actual })
      }
    },
  )
})

/** Each package's options table: `| \`option\` | default | what it does |`. */
const PACKAGE_TABLES = [
  ['cache', CACHE],
  ['db', DB],
  ['tasks', TASKS],
  ['memory', MEMORY],
  ['monitor', MONITOR],
] as const

/**
 * The default a README cell states: a literal in backticks (`'1h'`, `0.1`, `{ min: 1, max: 10 }`)
 * or a number, the first of several per profile (`10 / 4 / 2`); undefined for prose (`— (PGlite)`).
 */
function readmeDefault(cell: string): { value: unknown } | undefined {
  const first = cell
    .split(' / ')[0]!
    .replace(/\s*\(.*\)$/, '')
    .trim()
  const literal = /^`([^`]+)`$/.exec(first)?.[1] ?? (/^[\d.]+$/.test(first) ? first : undefined)
  if (literal === undefined) return undefined
  return { value: parse(literal.replace(/(\d)_(\d)/g, '$1$2')) as unknown }
}

describe('the option tables of the package READMEs', () => {
  it.each(PACKAGE_TABLES)('of %s show its DEFAULTS', async (name, defaults) => {
    const text = await readFile(new URL(`packages/${name}/README.md`, root), 'utf8')
    const compared: string[] = []
    for (const line of text.split('\n')) {
      const cells = line.split('|').map((cell) => cell.trim())
      const option = /^`([\w.]+)`$/.exec(cells[1] ?? '')?.[1]
      const packageDefault = option === undefined ? undefined : at(defaults, option)
      const stated = readmeDefault(cells[2] ?? '')
      if (packageDefault === undefined || stated === undefined) continue
      compared.push(option!)
      expect({ option, default: stated.value }).toEqual({
        option,
        default: JSON.parse(JSON.stringify(packageDefault)) as unknown,
      })
    }
    expect(compared.length).toBeGreaterThan(0)
  })
})
