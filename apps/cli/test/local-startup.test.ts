import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '@bi-perf/test-services'
import { describe, expect, it } from 'vitest'
import { cleanEnv, cli, tempDir } from './helpers.js'

// Local mode's read commands start only what they read: the machine and this process, plus the
// services the configuration names. These tests run the built executable with a hook that logs
// every module it resolves, so "did not load PGlite" is checked, not assumed.
const recorder = join(import.meta.dirname, 'fixtures/record-modules.mjs')

/** Packages the read commands must not load without a configured service. */
const HEAVY = ['@electric-sql/pglite', 'bullmq', 'ioredis', 'kysely', 'node_modules/pg/']

/** Runs the CLI with the module recorder; returns the result and the resolved module URLs. */
async function cliRecordingModules(args: readonly string[], cwd: string, env = cleanEnv()) {
  const log = join(cwd, 'modules.log')
  writeFileSync(log, '')
  const result = await cli(args, {
    cwd,
    env: { ...env, MODULE_LOG_FILE: log },
    nodeArgs: ['--import', recorder],
  })
  return { ...result, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) }
}

interface StatusDocument {
  source: { mode: string }
  state: string
  running: boolean
  components: Record<string, { state: string; reasons: string[] }>
  figures: Record<string, number | string | null>
}

describe('local status start-up', () => {
  it('answers with the machine and this process without loading PGlite, BullMQ or ioredis', async () => {
    const cwd = tempDir()
    const result = await cliRecordingModules(['status', '--json'], cwd)
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout) as StatusDocument
    expect(document.source).toEqual({ mode: 'local' })
    expect(document.state).toBe('ok')
    expect(Object.keys(document.components).sort()).toEqual(['memory', 'monitor'])
    expect(typeof document.figures.cpuPercent).toBe('number')
    expect(typeof document.figures.loopDelayP99Ms).toBe('number')
    expect(typeof document.figures.rssBytes).toBe('number')
    // The recorder works (it saw the monitor being loaded)…
    expect(result.modules.some((url) => url.includes('/monitor/dist/'))).toBe(true)
    // …and saw none of the heavy packages.
    for (const name of HEAVY) {
      expect(result.modules.filter((url) => url.includes(name))).toEqual([])
    }
  })

  it('does not create the data directory of an embedded PGlite the configuration names', async () => {
    const cwd = tempDir()
    const dataDir = join(cwd, 'pgdata')
    writeFileSync(join(cwd, 'bi-perf.yaml'), `database:\n  dataDir: ${dataDir}\n`)
    const result = await cliRecordingModules(['status', '--json'], cwd)
    expect(result.code).toBe(0)
    expect(existsSync(dataDir)).toBe(false)
    expect(result.modules.filter((url) => url.includes('@electric-sql/pglite'))).toEqual([])
  })

  it('marks an unreachable Redis and PostgreSQL down and still answers', async () => {
    const closed = await freePort()
    const cwd = tempDir()
    const result = await cliRecordingModules(
      ['status', '--json'],
      cwd,
      cleanEnv({
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/test`,
      }),
    )
    expect(result.code).toBe(1)
    const document = JSON.parse(result.stdout) as StatusDocument
    expect(document.state).toBe('down')
    expect(document.components.db?.state).toBe('down')
    expect(document.components.db?.reasons.join(' ')).toContain('ECONNREFUSED')
    expect(document.components.tasks?.state).toBe('down')
    expect(document.components.cache?.state).toBe('degraded')
    // Named services are checked with their real clients: the recorder sees them loaded.
    expect(result.modules.some((url) => url.includes('ioredis'))).toBe(true)
    expect(result.modules.filter((url) => url.includes('@electric-sql/pglite'))).toEqual([])
  })
})

describe('local read commands', () => {
  it('prints recommendations without starting the embedded components', async () => {
    const cwd = tempDir()
    const result = await cliRecordingModules(['recommendations', '--json'], cwd)
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout) as { recommendations: unknown[] }
    expect(Array.isArray(document.recommendations)).toBe(true)
    for (const name of HEAVY) {
      expect(result.modules.filter((url) => url.includes(name))).toEqual([])
    }
  })

  it('says how to name a database when metrics asks for the db section without one', async () => {
    const result = await cli(['metrics', '--section', 'db'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no db metrics')
    expect(result.stderr).toContain('DATABASE_URL')
  })
})

describe('local monitor start-up', () => {
  it('prints a first line at once, with "—" for the figures that need a sample', async () => {
    const result = await cli(['monitor', '--count', '1'])
    expect(result.code).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/state ok/)
    expect(lines[0]).toContain('cpu —')
    expect(lines[0]).toContain('loop-p99 —')
    expect(lines[0]).toMatch(/heap \d/)
  })

  it('fills in the sampled figures from the second update', async () => {
    const result = await cli(['monitor', '--interval', '200ms', '--count', '2', '--json'])
    expect(result.code).toBe(0)
    const [first, second] = result.stdout
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { cpuPercent: number | null; loopDelayP99Ms: number | null },
      )
    expect(first?.cpuPercent).toBeNull()
    expect(typeof second?.cpuPercent).toBe('number')
    expect(typeof second?.loopDelayP99Ms).toBe('number')
  })
})
