import { createHmac } from 'node:crypto'
import { createOptimizer, jwtKeyId } from '@bi-perf/core'
import { freePort, waitFor } from '@bi-perf/test-services'
import { afterAll, describe, expect, it } from 'vitest'
import packageJson from '../package.json' with { type: 'json' }
import {
  cleanEnv,
  cli,
  postgresUrl,
  mainBin,
  redisUrl,
  removeRedisKeys,
  run,
  uniquePrefix,
} from './helpers.js'

// Local mode: no URL, so each command starts an optimizer in its own process from the
// configuration (here: the environment), waits for a sample, and stops it. Start-up itself
// (what is loaded, services that are down) is covered in local-startup.test.ts.
const prefix = uniquePrefix('local')
const services = cleanEnv({
  REDIS_URL: redisUrl(),
  DATABASE_URL: postgresUrl(),
  BI_PERF_REDIS_PREFIX: prefix,
  // The test machine may be busy: the 100 ms default would drop writes to the L1 tier only.
  BI_PERF_REDIS_COMMAND_TIMEOUT: '2s',
  BI_PERF_TASKS_QUEUE: `cli-local-${process.pid}`,
})

afterAll(async () => {
  await removeRedisKeys(prefix)
})

describe('status in local mode', () => {
  it('reads the machine and this process with no service configured', async () => {
    const result = await cli(['status', '--json'])
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout) as {
      source: unknown
      running: boolean
      figures: Record<string, unknown>
    }
    expect(document.source).toEqual({ mode: 'local' })
    expect(document.running).toBe(true)
    // No embedded PGlite: a new, empty database in this process would describe nothing.
    expect(document.figures.dbBackend).toBeNull()
    expect(document.figures.cacheL2Connection).toBeNull()
    expect(typeof document.figures.cpuPercent).toBe('number')
  })

  it('prints the dashboard from Redis and PostgreSQL given by the environment', async () => {
    const result = await cli(['status'], { env: services })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^● (ok|degraded)\s+local/)
    expect(result.stdout).toContain('postgres · pool')
    expect(result.stdout).toContain('Redis ready')
    expect(result.stdout).toMatch(/^system\s+cpu \d/m)
  })

  it('exits 1 when the overall state is down, showing why', async () => {
    const closed = await freePort()
    const result = await cli(['status'], {
      env: cleanEnv({
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/test`,
      }),
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^● down/)
    expect(result.stdout).toMatch(/^db\s+down\s+.*ECONNREFUSED/m)
  })

  it('prints the released version from package.json, never a placeholder', async () => {
    const result = await cli(['--version'])
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe(packageJson.version)
    expect(packageJson.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(packageJson.version).not.toBe('0.0.0')
  })

  it('works the same under bi-perf performance', async () => {
    const result = await run(mainBin, ['performance', 'status', '--json'], { env: services })
    expect(result.code).toBe(0)
    expect(
      (JSON.parse(result.stdout) as { figures: { dbBackend: string } }).figures.dbBackend,
    ).toBe('postgres')
  })

  it('exits 2 with one line naming the setting when the configuration is invalid', async () => {
    const result = await cli(['status'], { env: cleanEnv({ BI_PERF_CACHE_TTL: 'banana' }) })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('cache.ttl')
    expect(result.stderr).toContain('BI_PERF_CACHE_TTL')
  })

  it('exits 2 when the named configuration file does not exist', async () => {
    const result = await cli(['status', '--config', 'missing.yaml'], { env: services })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('missing.yaml')
  })
})

describe('metrics in local mode', () => {
  it('prints the system section as JSON', async () => {
    const result = await cli(['metrics', '--section', 'system', '--json'], { env: services })
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout) as { system: { cpu: { total: number } | null } }
    expect(typeof document.system.cpu?.total).toBe('number')
  })

  it('exits 1 when the asked section’s component is disabled', async () => {
    const result = await cli(['metrics', '--section', 'db'], {
      env: { ...services, BI_PERF_DATABASE_ENABLED: 'false' },
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no db metrics')
    expect(result.stderr).toContain('database.enabled')
  })
})

describe('optimize in local mode', () => {
  it('shows the settings a profile changes and says the change stays in this process', async () => {
    const result = await cli(['optimize', 'memory'], { env: services })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^profile balanced → memory: \d+ settings changed/)
    expect(result.stdout).toMatch(/cache\.l1\.maxBytes\s+64\.0 MiB\s+\d/)
    expect(result.stderr).toContain('local mode: this changed only the optimizer of this command')
  })

  it('exits 2 on an unknown profile before starting anything, listing the valid ones', async () => {
    const result = await cli(['optimize', 'fast'], { env: services })
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe(
      'bi-performance: unknown profile "fast": valid profiles are balanced, memory, performance',
    )
  })
})

describe('clear-cache in local mode', () => {
  it('clears keys of the shared Redis tier by pattern', async () => {
    const writer = await createOptimizer({
      redis: { url: redisUrl(), prefix, commandTimeout: '2s' },
      database: { enabled: false },
      tasks: { enabled: false },
      memory: { enabled: false },
      monitor: { enabled: false },
    })
    await writer.start()
    await waitFor(() => writer.cache!.stats().l2?.connection === 'ready', {
      timeoutMs: 10_000,
      what: 'the cache on Redis',
    })
    try {
      await writer.cache!.set('dashboard:a', 1)
      await writer.cache!.set('dashboard:b', 2)
      await writer.cache!.set('keep', 3)
      const result = await cli(['clear-cache', '--pattern', 'dashboard:*'], { env: services })
      expect(result.code).toBe(0)
      expect(result.stdout.trim()).toBe('removed 2 keys matching dashboard:*')
    } finally {
      await writer.stop()
    }
  })
})

describe('recommendations in local mode', () => {
  it('says forecasts have too little history yet, in JSON and in words', async () => {
    const json = await cli(['recommendations', '--json'], { env: services })
    expect(json.code).toBe(0)
    const { forecasts } = JSON.parse(json.stdout) as {
      forecasts: { resource: string; outlook: string; etaMs: number | null }[]
    }
    const heap = forecasts.find((forecast) => forecast.resource === 'heap')
    // A process that just started has seconds of history: no guess, an honest unknown.
    expect(heap).toMatchObject({ outlook: 'unknown', etaMs: null })
    const text = await cli(['recommendations'], { env: services })
    expect(text.stdout).toMatch(/^outlook\s+confidence\s+forecast$/m)
    expect(text.stdout).toMatch(/^unknown\s+—\s+heap: not enough data yet/m)
  })

  it('prints a JSON list', async () => {
    const result = await cli(['recommendations', '--json'], { env: services })
    expect(result.code).toBe(0)
    expect(
      Array.isArray((JSON.parse(result.stdout) as { recommendations: unknown }).recommendations),
    ).toBe(true)
  })
})

describe('token', () => {
  const secret = 'a-local-secret-of-more-than-32-characters'

  it('mints an HS256 JWT with sub, role, iat, exp, iss and aud from the configuration', async () => {
    const result = await cli(['token', '--role', 'viewer', '--ttl', '30m', '--json'], {
      env: cleanEnv({
        BI_PERF_JWT_SECRET: secret,
        BI_PERF_SERVER_AUTH_ISSUER: 'bi-perf-test',
        BI_PERF_SERVER_AUTH_AUDIENCE: 'bi-perf-api',
      }),
    })
    expect(result.code).toBe(0)
    const { token, role, expiresAt } = JSON.parse(result.stdout) as {
      token: string
      role: string
      expiresAt: string
    }
    expect(role).toBe('viewer')
    const [header, payload, signature] = token.split('.')
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
      kid: jwtKeyId(secret),
    })
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      unknown
    >
    expect(claims).toMatchObject({
      sub: 'cli:viewer',
      role: 'viewer',
      iss: 'bi-perf-test',
      aud: 'bi-perf-api',
    })
    expect((claims.exp as number) - (claims.iat as number)).toBe(1800)
    expect(new Date(expiresAt).getTime()).toBe((claims.exp as number) * 1000)
    expect(signature).toBe(
      createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url'),
    )
  })

  it('prints only the token, for $(…)', async () => {
    const result = await cli(['token', '--role', 'admin'], {
      env: cleanEnv({ BI_PERF_JWT_SECRET: secret }),
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
  })

  it('refuses with exit 2 and the fix when no secret is configured', async () => {
    const result = await cli(['token', '--role', 'admin'])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('no JWT secret configured')
    expect(result.stderr).toContain('BI_PERF_JWT_SECRET')
  })

  it('requires --role', async () => {
    const result = await cli(['token'], { env: cleanEnv({ BI_PERF_JWT_SECRET: secret }) })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("required option '--role <role>' not specified")
  })
})

describe('usage', () => {
  it('lists every command in --help and exits 0', async () => {
    const result = await cli(['--help'])
    expect(result.code).toBe(0)
    for (const command of [
      'status',
      'metrics',
      'optimize',
      'clear-cache',
      'benchmark',
      'recommendations',
      'monitor',
      'heap-snapshot',
      'token',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'))
    }
    expect(result.stdout).toContain('BI_PERF_URL')
    expect(result.stdout).toContain('Exit codes')
  })

  it('lists the performance commands under bi-perf', async () => {
    const top = await run(mainBin, ['--help'])
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/^ {2}performance /m)
    const nested = await run(mainBin, ['performance', '--help'])
    expect(nested.stdout).toMatch(/^ {2}monitor /m)
  })

  it('exits 2 on an unknown flag with commander’s message in one line pointing at --help', async () => {
    const result = await cli(['status', '--bogus'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      "bi-performance: unknown option '--bogus'; see bi-performance status --help\n",
    )
  })

  it('exits 2 on a bad duration', async () => {
    const result = await cli(['monitor', '--interval', 'soon'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("option '--interval <duration>' argument 'soon' is invalid")
  })

  it('exits 2 on an unknown command', async () => {
    const result = await cli(['stauts'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("unknown command 'stauts'")
  })
})
