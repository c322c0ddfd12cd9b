import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readEnvironment } from '../config/env.js'
import { configSchema } from '../config/schema.js'
import { PROFILES, profileNames } from '../profiles.js'
import type { TunablePath } from './apply.js'
import { TUNABLES, settingApply, settingPaths } from './apply.js'
import type { MetricsOverrides } from '../../test/fixtures/metrics-feed.js'
import { GiB } from '../../test/fixtures/metrics-feed.js'
import { revertsProfile } from './profile-guard.js'
import { SCENARIOS, runScenario, scenarioContext } from '../../test/fixtures/recommend-scenarios.js'
import { recommend } from './recommend.js'
import type { ProfileName, Recommendation } from '../types.js'

/** `{ a: { b: value } }` for `a.b`. */
function nest(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>
}

/** The value a YAML line sets, as the configuration schema reads it (ms, bytes, numbers). */
function parseYaml(line: string): { path: string; value: unknown } {
  const [path, raw] = line.split(/: (.*)/s) as [string, string]
  const number = Number(raw)
  const parsed = configSchema.parse(nest(path, Number.isFinite(number) ? number : raw))
  const value = path.split('.').reduce<unknown>((object, key) => (object as never)[key], parsed)
  return { path, value }
}

/** Every recommendation's apply holds only real keys, readable values and real variables. */
function expectAppliable(item: Recommendation): void {
  const { yaml, env } = item.apply
  if (yaml !== undefined) {
    const { path } = parseYaml(yaml)
    expect(settingPaths().has(path), `${item.id}: ${path}`).toBe(true)
  }
  if (env !== undefined) {
    const [name, value] = env.split(/=(.*)/s) as [string, string]
    // Node reads the heap size itself; every other variable must be one config/env.ts reads.
    if (name === 'NODE_OPTIONS') {
      expect(value).toMatch(/^--max-old-space-size=\d+$/)
      return
    }
    const reading = readEnvironment({ [name]: value })
    expect(reading.issues, `${item.id}: ${env}`).toEqual([])
    expect(reading.settings).toHaveLength(1)
    if (yaml !== undefined) expect(reading.settings[0]!.path.join('.')).toBe(parseYaml(yaml).path)
  }
}

describe('recommendation apply', () => {
  it('derives the YAML key and environment variable from the schema', () => {
    expect(settingApply('cache.ttl', '2h')).toEqual({
      yaml: 'cache.ttl: 2h',
      env: 'BI_PERF_CACHE_TTL=2h',
      restart: true,
    })
    expect(settingApply('database.url', 'postgres://db:5432/app').env).toBe(
      'DATABASE_URL=postgres://db:5432/app',
    )
    expect(() => settingApply('cache.timeToLive', '2h')).toThrow(/not a configuration setting/)
  })

  it('names only settings of the schema for every tunable value', () => {
    for (const path of Object.keys(TUNABLES)) expect(settingPaths().has(path)).toBe(true)
  })

  it('gives every scenario recommendation a YAML key of the schema and an env variable config/env.ts reads', () => {
    let checked = 0
    for (const scenario of SCENARIOS) {
      for (const item of runScenario(scenario).recommendations) {
        expectAppliable(item)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20)
  })
})

describe('profile guard', () => {
  it('turns a proposal that undoes the profile into advice to switch profile', () => {
    expect(revertsProfile('memory', { setting: 'cache.ttl', from: 1_800_000, to: 3_600_000 })).toBe(
      true,
    )
    expect(revertsProfile('memory', { setting: 'cache.ttl', from: 1_800_000, to: 900_000 })).toBe(
      false,
    )
    expect(
      revertsProfile('balanced', { setting: 'cache.ttl', from: 3_600_000, to: 7_200_000 }),
    ).toBe(false)
    expect(
      revertsProfile('performance', { setting: 'tasks.concurrency.max', from: 32, to: 16 }),
    ).toBe(true)
    const justApplied = SCENARIOS.find((scenario) => scenario.name.includes('just applied'))!
    const [advice] = recommend(scenarioContext(justApplied))
    expect(advice?.apply).toMatchObject({ command: 'bi-performance optimize balanced' })
    expect(advice?.action).not.toMatch(/raise cache\.ttl/)
  })

  it('never proposes a setting that reverts the active profile, for random histories', () => {
    const history = fc.record({
      profile: fc.constantFrom<ProfileName>(...profileNames),
      hitRate: fc.double({ min: 0, max: 1, noNaN: true }),
      lookupsPerSecond: fc.integer({ min: 0, max: 200 }),
      evictionsPerSecond: fc.integer({ min: 0, max: 50 }),
      fill: fc.double({ min: 0, max: 1, noNaN: true }),
      redisP99: fc.integer({ min: 0, max: 80 }),
      compressedPerRecord: fc.integer({ min: 0, max: 100 }),
      savedPerValue: fc.integer({ min: 0, max: 200 }),
      poolWaiting: fc.integer({ min: 0, max: 8 }),
      timeoutsPerRecord: fc.integer({ min: 0, max: 4 }),
      dbHitRate: fc.double({ min: 0, max: 1, noNaN: true }),
      backlogStart: fc.integer({ min: 0, max: 400 }),
      backlogSlope: fc.integer({ min: -20, max: 40 }),
      concurrencyShare: fc.double({ min: 0, max: 1, noNaN: true }),
      active: fc.integer({ min: 0, max: 32 }),
      cpu: fc.integer({ min: 0, max: 100 }),
      loopP99: fc.integer({ min: 0, max: 500 }),
      heapRatio: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    })
    fc.assert(
      fc.property(history, (h) => {
        const tuning = PROFILES[h.profile]
        const max = tuning.tasks.concurrencyMax
        const concurrency = Math.max(1, Math.round(h.concurrencyShare * max))
        const perRecord = h.lookupsPerSecond * 30
        const step = (index: number): MetricsOverrides => ({
          cache: {
            hits: Math.round(perRecord * h.hitRate) * index,
            misses: Math.round(perRecord * (1 - h.hitRate)) * index,
            l1: {
              evictions: h.evictionsPerSecond * 30 * index,
              bytes: Math.round(h.fill * tuning.cache.l1MaxBytes),
              maxBytes: tuning.cache.l1MaxBytes,
            },
            l2: { latencyMs: { p50: 1, p95: h.redisP99, p99: h.redisP99, count: 1_000 } },
            compression: {
              compressed: h.compressedPerRecord * index,
              bytesSaved: h.compressedPerRecord * h.savedPerValue * index,
            },
          },
          db: {
            pool: { waiting: h.poolWaiting, acquireTimeouts: h.timeoutsPerRecord * index },
            cache: {
              hits: Math.round(100 * h.dbHitRate) * index,
              misses: Math.round(100 * (1 - h.dbHitRate)) * index,
            },
          },
          tasks: {
            concurrency,
            counts: {
              active: Math.min(h.active, concurrency),
              backlog: Math.max(0, h.backlogStart + h.backlogSlope * index),
            },
            throughputPerMinute: h.active * 10,
            autoscaler: { min: tuning.tasks.concurrencyMin, max },
          },
          system: { cpu: { total: h.cpu }, eventLoop: { delay: { p99: h.loopP99 } } },
          memory: { heap: { used: h.heapRatio * 4 * GiB, limit: 4 * GiB, ratio: h.heapRatio } },
        })
        const ctx = scenarioContext({ name: 'random', records: { profile: h.profile }, step })
        for (const item of recommend(ctx)) {
          expectAppliable(item)
          const yaml = item.apply.yaml
          if (yaml === undefined) continue
          const { path, value } = parseYaml(yaml)
          if (!(path in TUNABLES)) continue
          const { read } = TUNABLES[path as TunablePath]
          const chosen = read(PROFILES[h.profile])
          const baseline = read(PROFILES.balanced)
          const from = read(tuning)
          // The profile moved this setting away from balanced: nothing may move it back.
          if (chosen < baseline)
            expect(value as number, `${item.id} ${yaml}`).toBeLessThanOrEqual(from)
          if (chosen > baseline) {
            expect(value as number, `${item.id} ${yaml}`).toBeGreaterThanOrEqual(from)
          }
        }
      }),
      { numRuns: 300 },
    )
  })
})
