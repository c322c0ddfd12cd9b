import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/loader.js'
import type { LoadConfigOptions } from '../src/config/loader.js'
import { ConfigError, ConfigFileError } from '../src/errors.js'
import type { ConfigIssue } from '../src/errors.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bi-perf-config-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

async function issuesOf(options: LoadConfigOptions): Promise<ConfigIssue[]> {
  const error: unknown = await loadConfig(options).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (error instanceof ConfigError) return [...error.issues]
  throw new Error(`expected a ConfigError, got ${String(error)}`)
}

describe('loadConfig', () => {
  it('reads previous JWT secrets from a comma-separated variable, each checked and never shown', async () => {
    const current = 'c'.repeat(32)
    const config = await loadConfig({
      cwd: dir,
      env: {
        BI_PERF_JWT_SECRET: current,
        BI_PERF_JWT_PREVIOUS_SECRETS: `${'p'.repeat(32)}, ${'q'.repeat(40)}`,
      },
    })
    expect(config.server.auth.jwtPreviousSecrets).toEqual(['p'.repeat(32), 'q'.repeat(40)])

    const short = 'short-old-secret'
    const error = await loadConfig({
      cwd: dir,
      env: {
        BI_PERF_JWT_SECRET: current,
        BI_PERF_JWT_PREVIOUS_SECRETS: `${'p'.repeat(32)},${short}`,
      },
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues).toEqual([
      {
        path: 'server.auth.jwtPreviousSecrets.1',
        rule: 'must be a string of at least 32 characters',
        source: 'env BI_PERF_JWT_PREVIOUS_SECRETS',
      },
    ])
    expect((error as Error).message).not.toContain(short)
  })

  it('takes each setting from the environment over the file over the defaults', async () => {
    await write(
      'bi-perf.yaml',
      [
        'cache:',
        '  ttl: 5m',
        '  grace: 10s',
        '  l1:',
        '    maxEntries: 100',
        'server:',
        '  port: 9000',
        '',
      ].join('\n'),
    )
    const config = await loadConfig({
      cwd: dir,
      env: { BI_PERF_CACHE_GRACE: '20s', BI_PERF_CACHE_L1_MAX_BYTES: '1MiB', HOST: '0.0.0.0' },
    })
    expect(config.cache.ttl).toBe(300_000) // file
    expect(config.cache.grace).toBe(20_000) // env over file
    expect(config.cache.l1).toEqual({
      enabled: true, // default
      maxEntries: 100, // file, beside an env-set sibling
      maxBytes: 1024 * 1024, // env
      values: 'frozen', // default
    })
    expect(config.server.port).toBe(9000) // file
    expect(config.server.host).toBe('0.0.0.0') // env over default
    expect(config.server.logLevel).toBe('info') // default
  })

  it('replaces a record setting from the environment as a whole', async () => {
    const file = await write('conf.yaml', 'cache:\n  namespaces:\n    a: { ttl: 1m }\n')
    const config = await loadConfig({
      file,
      env: { BI_PERF_CACHE_NAMESPACES: '{"b":{"ttl":"2m"}}' },
    })
    expect(config.cache.namespaces).toEqual({ b: { ttl: 120_000 } })
  })

  it('reads the file named in BI_PERF_CONFIG, relative to cwd', async () => {
    await mkdir(join(dir, 'conf'))
    await write('conf/perf.yaml', 'profile: memory\n')
    const config = await loadConfig({ cwd: dir, env: { BI_PERF_CONFIG: 'conf/perf.yaml' } })
    expect(config.profile).toBe('memory')
  })

  it('prefers options.file over BI_PERF_CONFIG', async () => {
    const file = await write('a.yaml', 'profile: performance\n')
    await write('b.yaml', 'profile: memory\n')
    const config = await loadConfig({ cwd: dir, file, env: { BI_PERF_CONFIG: 'b.yaml' } })
    expect(config.profile).toBe('performance')
  })

  it('uses the defaults when there is no bi-perf.yaml', async () => {
    const config = await loadConfig({ cwd: dir, env: {} })
    expect(config.profile).toBe('balanced')
    expect(config.server.port).toBe(8080)
  })

  it('reads an empty file as no settings', async () => {
    const file = await write('empty.yaml', '')
    expect((await loadConfig({ file, env: {} })).profile).toBe('balanced')
  })

  it('fails when a named file does not exist', async () => {
    const error: unknown = await loadConfig({ cwd: dir, file: 'missing.yaml', env: {} }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(ConfigFileError)
    expect(error).toMatchObject({ code: 'E_CORE_CONFIG_FILE', file: 'missing.yaml' })
    expect((error as Error).message).toMatch(/missing\.yaml: no such file/)
  })

  it('fails when the file in BI_PERF_CONFIG does not exist', async () => {
    await expect(loadConfig({ cwd: dir, env: { BI_PERF_CONFIG: 'nope.yaml' } })).rejects.toThrow(
      ConfigFileError,
    )
  })

  it('fails on invalid YAML, naming the line', async () => {
    const file = await write('bad.yaml', 'profile: memory\ncache:\n  ttl: 5m: 1m\n')
    await expect(loadConfig({ file, env: {} })).rejects.toThrow(/bad\.yaml: invalid YAML at line 3/)
  })

  it('reports an unknown key in the file at its line and column', async () => {
    const file = await write('bi-perf.yaml', 'cache:\n  l1:\n    maxbytes: 64MiB\n')
    expect(await issuesOf({ file, env: {} })).toEqual([
      {
        path: 'cache.l1.maxbytes',
        rule: 'unknown key; did you mean maxBytes?',
        source: `${file}:3:5`,
      },
    ])
  })

  it('names the file as given and the value’s position in a source', async () => {
    await write('bi-perf.yaml', 'server:\n  port: 0\n')
    expect(await issuesOf({ cwd: dir, env: {} })).toEqual([
      {
        path: 'server.port',
        rule: 'must be an integer from 1 to 65535',
        source: 'bi-perf.yaml:2:9',
      },
    ])
  })

  it('names the variable as the source of a bad value from the environment', async () => {
    expect(await issuesOf({ cwd: dir, env: { BI_PERF_CACHE_TTL_JITTER: '0.9' } })).toEqual([
      {
        path: 'cache.ttlJitter',
        rule: 'must be a number from 0 to 0.5',
        source: 'env BI_PERF_CACHE_TTL_JITTER',
      },
    ])
  })

  it('does not blame the file for a value the environment replaced', async () => {
    await write('bi-perf.yaml', 'memory:\n  softLimit: 0.5\n  hardLimit: 0.8\n')
    expect(await issuesOf({ cwd: dir, env: { BI_PERF_MEMORY_SOFT_LIMIT: '0.9' } })).toEqual([
      {
        path: 'memory.softLimit',
        rule: 'must be less than memory.hardLimit (0.8)',
        source: 'env BI_PERF_MEMORY_SOFT_LIMIT',
      },
    ])
  })

  it('blames the record’s variable for a problem inside a JSON setting', async () => {
    expect(
      await issuesOf({ cwd: dir, env: { BI_PERF_MONITOR_THRESHOLDS: '{"q":{"metric":"x"}}' } }),
    ).toEqual([
      {
        path: 'monitor.thresholds.q',
        rule: 'give exactly one of above and below',
        source: 'env BI_PERF_MONITOR_THRESHOLDS',
      },
    ])
  })

  it('collects problems from the file and the environment into one error', async () => {
    await write('bi-perf.yaml', 'cache:\n  compression:\n    codec: zstd\n')
    const issues = await issuesOf({
      cwd: dir,
      env: { BI_PERF_CACHE_TTL_JITER: '0.2', PORT: 'eighty' },
    })
    expect(issues).toEqual([
      {
        path: 'BI_PERF_CACHE_TTL_JITER',
        rule: 'unknown setting; did you mean BI_PERF_CACHE_TTL_JITTER?',
        source: 'env BI_PERF_CACHE_TTL_JITER',
      },
      {
        path: 'cache.compression.codec',
        rule: 'expected one of lz4, gzip, none',
        source: 'bi-perf.yaml:3:12',
      },
      { path: 'server.port', rule: 'must be an integer from 1 to 65535', source: 'env PORT' },
    ])
  })

  it('never shows secrets or URL passwords in its error', async () => {
    const file = await write(
      'bi-perf.yaml',
      'server:\n  auth:\n    jwtSecret: file-secret-too-short\n',
    )
    const error: unknown = await loadConfig({
      file,
      env: { REDIS_URL: 'http://:hunter2@cache:6379', BI_PERF_SERVER_METRICS_TOKEN: 'tok-short' },
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    const text = `${(error as Error).message} ${JSON.stringify(error)}`
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      'redis.url',
      'server.auth.jwtSecret',
      'server.metricsToken',
    ])
    expect(text).not.toMatch(/file-secret-too-short|hunter2|tok-short/)
  })
})
