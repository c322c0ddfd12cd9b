import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchReport } from '../src/bench/report.js'
import {
  cleanEnv,
  cli,
  postgresUrl,
  redisUrl,
  redisKeys,
  removeRedisKeys,
  tempDir,
  uniquePrefix,
} from './helpers.js'

// The suites in local mode on Redis and PostgreSQL, short measurements; then the regression
// check against baselines planted from the real report.
const prefix = uniquePrefix('suites')
const env = cleanEnv({
  REDIS_URL: redisUrl(),
  DATABASE_URL: postgresUrl(),
  BI_PERF_REDIS_PREFIX: prefix,
  BI_PERF_TASKS_QUEUE: `cli-b-${process.pid}`,
})
const dir = tempDir()
const basePath = join(dir, 'base.json')
let report: BenchReport
let stderr: string

beforeAll(async () => {
  const result = await cli(
    ['benchmark', '--suite', 'cache,db,tasks,api', '--duration', '300ms', '--out', basePath],
    {
      env,
      cwd: dir,
      timeoutMs: 120_000,
    },
  )
  stderr = result.stderr
  expect(result.code, result.stderr).toBe(0)
  report = JSON.parse(readFileSync(basePath, 'utf8')) as BenchReport
}, 180_000)

afterAll(async () => {
  await removeRedisKeys(prefix)
})

function plant(
  name: string,
  transform: (result: BenchReport['results'][number]) => BenchReport['results'][number] | null,
  extra: BenchReport['results'] = [],
): string {
  const path = join(dir, name)
  const results = report.results.map(transform).filter((result) => result !== null)
  writeFileSync(path, JSON.stringify({ ...report, results: [...results, ...extra] }))
  return path
}

describe('benchmark', () => {
  it('writes a report with every measured result, the machine and the date', () => {
    expect(report.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(report.machine.cores).toBeGreaterThan(0)
    expect(report.machine.node).toBe(process.version)
    expect(Number.isNaN(Date.parse(report.date))).toBe(false)
    expect(report.results.map((result) => `${result.suite}/${result.name}`)).toEqual([
      'cache/l1-hit',
      'cache/l2-get',
      'db/dashboard-cold',
      'db/dashboard-cached',
      'tasks/drain-noop',
    ])
    for (const result of report.results) expect(result.value).toBeGreaterThan(0)
    expect(report.results.find((result) => result.name === 'dashboard-cold')).toMatchObject({
      unit: 'ms',
      higherIsBetter: false,
    })
  })

  it('reports the api suite as skipped without a URL', () => {
    expect(report.skipped).toEqual([
      { suite: 'api', reason: expect.stringContaining('--url') as string },
    ])
    expect(stderr).toContain('api skipped')
  })

  it('prints plain progress lines when stderr is not a terminal', () => {
    expect(stderr).toContain('[1/7] cache l1-hit')
    expect(stderr).not.toContain('\r')
  })

  it('leaves no benchmark keys in Redis', async () => {
    const redis = new Redis(redisUrl())
    try {
      const keys = await redisKeys(redis, prefix)
      // The configured queue's own key stays (it is the service's); nothing the suites made.
      expect(keys.filter((key) => key.slice(prefix.length).includes('bench'))).toEqual([])
      expect(keys.length).toBeGreaterThan(0)
    } finally {
      redis.disconnect()
    }
  })

  it('exits 1 on a planted regression beyond the limit, naming it', async () => {
    // A baseline 3× better than this machine can do: every result regressed.
    const inflated = plant('inflated.json', (result) => ({
      ...result,
      value: result.higherIsBetter ? result.value * 3 : result.value / 3,
    }))
    const result = await cli(
      [
        'benchmark',
        '--suite',
        'cache',
        '--duration',
        '300ms',
        '--compare',
        inflated,
        '--max-regression',
        '10%',
      ],
      { env, cwd: dir },
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/cache\s+l1-hit\s+.*regression/)
    expect(result.stderr).toMatch(
      /bi-performance: 2 results regressed beyond 10%: cache\/l1-hit -\d+\.\d %, cache\/l2-get -\d+\.\d %/,
    )
    expect(result.stdout).toContain(
      'not measured in this run: db/dashboard-cold, db/dashboard-cached, tasks/drain-noop',
    )
  })

  it('passes within the limit and lists results missing on either side without failing', async () => {
    const partial = plant('partial.json', (result) => (result.name === 'l2-get' ? null : result), [
      { suite: 'cache', name: 'ghost', unit: 'ops/s', value: 1, higherIsBetter: true },
    ])
    const result = await cli(
      [
        'benchmark',
        '--suite',
        'cache',
        '--duration',
        '300ms',
        '--compare',
        partial,
        '--max-regression',
        '95%',
        '--json',
      ],
      { env, cwd: dir },
    )
    expect(result.code, result.stderr).toBe(0)
    const document = JSON.parse(result.stdout) as BenchReport & {
      comparison: {
        regressions: unknown[]
        missingInCurrent: string[]
        newInCurrent: string[]
        maxRegressionPercent: number
      }
    }
    expect(document.comparison.maxRegressionPercent).toBe(95)
    expect(document.comparison.regressions).toEqual([])
    expect(document.comparison.missingInCurrent).toContain('cache/ghost')
    expect(document.comparison.newInCurrent).toEqual(['cache/l2-get'])
  })

  it('exits 2 when the baseline is not a report', async () => {
    const path = join(dir, 'broken.json')
    writeFileSync(path, '{"results": [{"suite": "cache"}]}')
    const result = await cli(['benchmark', '--suite', 'cache', '--compare', path], {
      env,
      cwd: dir,
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('has an invalid results[0]')
  })

  it('exits 2 on --max-regression without --compare, and on an unknown suite', async () => {
    const lonely = await cli(['benchmark', '--max-regression', '5%'], { env, cwd: dir })
    expect(lonely.code).toBe(2)
    expect(lonely.stderr).toContain('--max-regression needs --compare')
    const unknown = await cli(['benchmark', '--suite', 'cache,gpu'], { env, cwd: dir })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown gpu')
  })
})
