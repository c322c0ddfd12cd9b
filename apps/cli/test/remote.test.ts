import { createServer, type AddressInfo, type Socket } from 'node:net'
import { createOptimizer } from '@bi-perf/core'
import { freePort, waitFor } from '@bi-perf/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signCliToken } from '../src/jwt.js'
import { cleanEnv, cli, redisUrl, SECRET, startApi, type ApiProcess } from './helpers.js'

// Every command against a real API process (apps/api/dist/main.js) on Redis and PostgreSQL.
let api: ApiProcess

beforeAll(async () => {
  api = await startApi()
})

afterAll(async () => {
  await api?.stop()
})

function remote(token = api.adminToken, extra: Record<string, string> = {}) {
  return { env: cleanEnv({ BI_PERF_URL: api.url, BI_PERF_TOKEN: token, ...extra }) }
}

describe('status', () => {
  it('prints the dashboard of the API with its instance and components', async () => {
    const result = await cli(['status'], remote())
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(api.url)
    expect(result.stdout).toMatch(/instance \S+:\d+/)
    for (const component of ['cache', 'db', 'tasks', 'memory', 'monitor']) {
      expect(result.stdout).toMatch(new RegExp(`^${component}\\s+(ok|degraded|down)`, 'm'))
    }
    expect(result.stdout).toContain('postgres · pool')
    expect(result.stdout).toContain('Redis ready')
  })

  it('prints one JSON document with --json, taking --url and --token as flags', async () => {
    const result = await cli(['status', '--json', '--url', api.url, '--token', api.viewerToken], {
      env: cleanEnv(),
    })
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout) as Record<string, unknown>
    expect(document.source).toEqual({ mode: 'remote', url: api.url })
    expect(document.state).toMatch(/^(ok|degraded)$/)
    expect(document.profile).toBe('balanced')
    expect(document.instance).toMatch(/:\d+$/)
    expect(typeof document.version).toBe('string')
    expect(Object.keys(document.components as object).sort()).toEqual([
      'cache',
      'db',
      'memory',
      'monitor',
      'tasks',
    ])
    const figures = document.figures as Record<string, unknown>
    expect(figures.dbBackend).toBe('postgres')
    expect(figures.cacheL2Connection).toBe('ready')
  })
})

describe('token', () => {
  it('mints a token the API accepts', async () => {
    const minted = await cli(['token', '--role', 'viewer'], {
      env: cleanEnv({ BI_PERF_JWT_SECRET: SECRET }),
    })
    expect(minted.code).toBe(0)
    const result = await cli(['status', '--json'], remote(minted.stdout.trim()))
    expect(result.code).toBe(0)
  })
})

describe('connection and token errors', () => {
  it('exits 2 naming the URL and the cause when the API is unreachable', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const result = await cli(['status', '--url', url], { env: cleanEnv() })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`cannot reach the API at ${url}/performance/`)
    expect(result.stderr).toContain('ECONNREFUSED')
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('exits 2 with "token rejected" for a token signed with another secret', async () => {
    const forged = signCliToken('another-secret-of-at-least-32-characters', {
      role: 'admin',
      ttlMs: 60_000,
    })
    const result = await cli(['metrics'], remote(forged))
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^bi-performance: token rejected: /)
    expect(result.stderr).toContain('bi-performance token --role')
  })

  it('exits 2 with "token rejected: … expired" for an expired token', async () => {
    const expired = signCliToken(SECRET, {
      role: 'admin',
      ttlMs: 60_000,
      now: Math.floor(Date.now() / 1000) - 3600,
    })
    const result = await cli(['status'], remote(expired))
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/token rejected: .*expired/)
  })

  it('exits 2 with "token rejected: missing bearer token" without a token', async () => {
    const result = await cli(['recommendations'], { env: cleanEnv({ BI_PERF_URL: api.url }) })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('token rejected: missing bearer token')
  })

  it('exits 2 when a viewer token tries an admin command', async () => {
    const result = await cli(['optimize', 'memory'], remote(api.viewerToken))
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('token rejected:')
    expect(result.stderr).toContain('admin')
  })

  it('times out a request that gets no answer, naming the URL', async () => {
    // A socket that accepts and never answers.
    const sockets: Socket[] = []
    const server = createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    try {
      const result = await cli(
        ['status', '--url', `http://127.0.0.1:${port}`, '--timeout', '300ms'],
        { env: cleanEnv() },
      )
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(
        `cannot reach the API at http://127.0.0.1:${port}/performance/`,
      )
      expect(result.stderr).toContain('no answer within 300 ms')
    } finally {
      for (const socket of sockets) socket.destroy()
      server.close()
    }
  })
})

describe('metrics', () => {
  it('prints every section for people', async () => {
    const result = await cli(['metrics'], remote())
    expect(result.code).toBe(0)
    for (const title of ['cache', 'db', 'tasks', 'memory', 'system']) {
      expect(result.stdout).toMatch(new RegExp(`^${title}$`, 'm'))
    }
    expect(result.stdout).toContain('L2 (Redis)')
    expect(result.stdout).toContain('backend       postgres')
  })

  it('prints one section as JSON with --section', async () => {
    const result = await cli(['metrics', '--section', 'cache', '--json'], remote())
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout) as Record<string, unknown>
    expect(Object.keys(document).sort()).toEqual(['at', 'cache', 'profile'])
    expect((document.cache as { l2: { connection: string } }).l2.connection).toBe('ready')
  })
})

describe('optimize', () => {
  it('applies a profile and shows what changed, then reports nothing new on a second run', async () => {
    const first = await cli(['optimize', 'performance'], remote())
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/profile \w+ → performance: \d+ settings? changed/)
    expect(first.stdout).toContain('cache.l1.maxBytes')
    const again = await cli(['optimize', 'performance', '--json'], remote())
    expect(again.code).toBe(0)
    const change = JSON.parse(again.stdout) as {
      profile: string
      previous: string
      changes: unknown[]
    }
    expect(change).toMatchObject({ profile: 'performance', previous: 'performance', changes: [] })
    const status = JSON.parse((await cli(['status', '--json'], remote())).stdout) as {
      profile: string
    }
    expect(status.profile).toBe('performance')
    expect((await cli(['optimize', 'balanced'], remote())).code).toBe(0)
  })

  it('exits 2 on an unknown profile, listing the valid ones', async () => {
    const result = await cli(['optimize', 'turbo'], remote())
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe(
      'bi-performance: unknown profile "turbo": valid profiles are balanced, memory, performance',
    )
  })
})

describe('clear-cache', () => {
  it('clears the keys matching a pattern and the entries of a tag, reporting how many went', async () => {
    // Entries written by another process sharing the API's Redis.
    const writer = await createOptimizer({
      redis: { url: redisUrl(), prefix: api.prefix, commandTimeout: '2s' },
      database: { enabled: false },
      tasks: { enabled: false },
      memory: { enabled: false },
      monitor: { enabled: false },
    })
    await writer.start()
    // Writes skip Redis until the cache's own connection is ready.
    await waitFor(() => writer.cache!.stats().l2?.connection === 'ready', {
      timeoutMs: 10_000,
      what: 'the cache on Redis',
    })
    try {
      await writer.cache!.set('report:1', { a: 1 })
      await writer.cache!.set('report:2', { a: 2 })
      await writer.cache!.set('other', { a: 3 }, { tags: ['sales'] })
      const byPattern = await cli(['clear-cache', '--pattern', 'report:*', '--json'], remote())
      expect(byPattern.code).toBe(0)
      expect(JSON.parse(byPattern.stdout)).toEqual({ removed: 2 })
      const byTag = await cli(['clear-cache', '--tags', 'sales'], remote())
      expect(byTag.code).toBe(0)
      expect(byTag.stdout.trim()).toBe('removed 1 key tagged sales')
    } finally {
      await writer.stop()
    }
  })

  it('refuses to clear everything without --yes when nobody can confirm', async () => {
    const result = await cli(['clear-cache'], remote())
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('pass --yes')
  })

  it('clears everything with --yes', async () => {
    const result = await cli(['clear-cache', '--yes', '--json'], remote())
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ removed: expect.any(Number) as number })
  })
})

describe('recommendations', () => {
  it('prints the forecasts beside the recommendations, and in status', async () => {
    const json = await cli(['recommendations', '--json'], remote())
    const advice = JSON.parse(json.stdout) as {
      recommendations: unknown[]
      forecasts: { resource: string; summary: string }[]
    }
    expect(advice.forecasts.map((forecast) => forecast.resource)).toContain('heap')
    const status = JSON.parse((await cli(['status', '--json'], remote())).stdout) as {
      forecasts: unknown[]
    }
    expect(status.forecasts.length).toBeGreaterThan(0)
    const text = await cli(['status'], remote())
    expect(text.stdout).toMatch(/^outlook\s+confidence\s+forecast$/m)
    expect(text.stdout).toContain('heap: not enough data yet')
  })

  it('returns the list as JSON, filtered by priority', async () => {
    const all = await cli(['recommendations', '--json'], remote())
    expect(all.code).toBe(0)
    const { recommendations } = JSON.parse(all.stdout) as {
      recommendations: { priority: string }[]
    }
    expect(Array.isArray(recommendations)).toBe(true)
    const high = await cli(['recommendations', '--priority', 'high', '--json'], remote())
    const filtered = (JSON.parse(high.stdout) as { recommendations: { priority: string }[] })
      .recommendations
    expect(filtered.every((item) => item.priority === 'critical' || item.priority === 'high')).toBe(
      true,
    )
  })

  it('rejects an unknown priority with commander’s message and exit 2', async () => {
    const result = await cli(['recommendations', '--priority', 'urgent'], remote())
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("option '--priority <level>' argument 'urgent' is invalid")
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('; see bi-performance recommendations --help')
  })
})

describe('monitor without a terminal', () => {
  it('prints one JSON line per update and stops after --count', async () => {
    const result = await cli(['monitor', '--interval', '200ms', '--count', '3', '--json'], remote())
    expect(result.code).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines).toHaveLength(3)
    for (const line of lines) {
      const sample = JSON.parse(line) as Record<string, unknown>
      expect(sample.state).toMatch(/^(ok|degraded|down)$/)
      expect(typeof sample.heapUsedBytes).toBe('number')
    }
    expect(result.stdout).not.toContain('\u001B[')
  })

  it('prints plain lines when stdout is a pipe', async () => {
    const result = await cli(['monitor', '--interval', '200ms', '--count', '2'], remote())
    expect(result.code).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.*state (ok|degraded|down)\s+profile \w+\s+cpu /)
  })
})

describe('benchmark api suite', () => {
  it('measures GET /performance/status and writes the report', async () => {
    const result = await cli(
      ['benchmark', '--suite', 'api', '--duration', '500ms', '--json'],
      remote(),
    )
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as {
      results: { suite: string; name: string; value: number }[]
    }
    expect(report.results.map((item) => item.name)).toEqual(['status', 'status-p99'])
    expect(report.results[0]!.value).toBeGreaterThan(0)
  })
})

describe('bi-perf performance', () => {
  it('carries the same commands under the main binary', async () => {
    const { mainBin, run } = await import('./helpers.js')
    const result = await run(mainBin, ['performance', 'status', '--json'], remote())
    expect(result.code).toBe(0)
    expect((JSON.parse(result.stdout) as { source: unknown }).source).toEqual({
      mode: 'remote',
      url: api.url,
    })
  })
})
