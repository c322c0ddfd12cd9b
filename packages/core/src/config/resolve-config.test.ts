import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import type { ConfigIssue } from '../errors.js'
import { resolveConfig } from './loader.js'
import type { BiPerfConfigInput } from './schema.js'

// resolveConfig shares the validation and error reporting of loadConfig; the file and
// environment sources are covered in test/load-config.test.ts.

function issuesOf(input: unknown): ConfigIssue[] {
  try {
    resolveConfig(input as BiPerfConfigInput)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues]
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('resolveConfig', () => {
  it('validates configuration given in code and fills the defaults', () => {
    const config = resolveConfig({
      profile: 'performance',
      cache: { ttl: '5m', l1: { maxEntries: 500 } },
      tasks: { concurrency: { min: 2, max: 8 } },
    })
    expect(config.profile).toBe('performance')
    expect(config.cache.ttl).toBe(300_000)
    expect(config.cache.l1).toEqual({ enabled: true, maxEntries: 500, values: 'frozen' })
    expect(config.tasks.concurrency).toEqual({ min: 2, max: 8 })
    expect(config.server.port).toBe(8080)
  })

  it('names code as the source of a bad value', () => {
    expect(issuesOf({ cache: { ttl: 'soon' } })).toEqual([
      {
        path: 'cache.ttl',
        rule: expect.stringContaining('unit ms, s, m, h or d') as string,
        source: 'code',
      },
    ])
  })

  it('reports every problem at once', () => {
    const error = (() => {
      try {
        resolveConfig({ profile: 'fast', server: { port: 0 } } as unknown as BiPerfConfigInput)
      } catch (caught) {
        return caught as ConfigError
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect(error?.code).toBe('E_CORE_INVALID_CONFIG')
    expect(error?.issues.map((issue) => issue.path)).toEqual(['profile', 'server.port'])
    expect(error?.message).toContain('profile: expected one of balanced, memory, performance')
  })

  it.each([
    ['a bad duration', { tasks: { timeout: -5 } }, 'tasks.timeout', 'must be positive'],
    [
      'a zero duration',
      { redis: { commandTimeout: 0 } },
      'redis.commandTimeout',
      'must be positive',
    ],
    [
      'a duration of the wrong type',
      { tasks: { timeout: true } },
      'tasks.timeout',
      "expected milliseconds or a string with a unit ms, s, m, h or d, e.g. '30s'",
    ],
    [
      'a too short interval',
      { monitor: { interval: 5 } },
      'monitor.interval',
      'must be at least 10ms',
    ],
    [
      'a bad byte size',
      { cache: { l1: { maxBytes: '64 megs' } } },
      'cache.l1.maxBytes',
      "expected a number of bytes or a size with a unit B, KB, MB, GB, KiB, MiB or GiB, e.g. '64MiB'",
    ],
    [
      'a zero byte size',
      { server: { bodyLimit: 0 } },
      'server.bodyLimit',
      'must be at least 1 byte',
    ],
    [
      'a headers timeout above the request timeout',
      { server: { timeouts: { headers: '1m', request: '30s' } } },
      'server.timeouts.headers',
      'must not be greater than server.timeouts.request (30000 ms)',
    ],
    [
      'a bad enum value',
      { cache: { compression: { codec: 'zstd' } } },
      'cache.compression.codec',
      'expected one of lz4, gzip, none',
    ],
    [
      'a non-integer',
      { cache: { l1: { maxEntries: 1.5 } } },
      'cache.l1.maxEntries',
      'must be an integer ≥ 1',
    ],
    [
      'an integer below its minimum',
      { database: { pool: { max: 0 } } },
      'database.pool.max',
      'must be an integer ≥ 1',
    ],
    [
      'a port out of range',
      { server: { port: 70_000 } },
      'server.port',
      'must be an integer from 1 to 65535',
    ],
    [
      'a jitter out of range',
      { cache: { ttlJitter: 0.6 } },
      'cache.ttlJitter',
      'must be a number from 0 to 0.5',
    ],
    [
      'a limit out of (0, 1)',
      { memory: { hardLimit: 1 } },
      'memory.hardLimit',
      'must be a number greater than 0 and less than 1, e.g. 0.7',
    ],
    ['a wrong type', { cache: { enabled: 'yes' } }, 'cache.enabled', 'expected true or false'],
    ['a section that is not a mapping', { cache: 5 }, 'cache', 'expected a mapping of settings'],
    [
      'a bad queue name',
      { tasks: { queue: 'has space' } },
      'tasks.queue',
      'must be 1–100 characters of letters, digits, ".", "_" and "-"',
    ],
    [
      'a redis URL with another scheme',
      { redis: { url: 'http://cache:6379' } },
      'redis.url',
      'must be a redis:// or rediss:// URL with a host',
    ],
    [
      'a database URL with another scheme',
      { database: { url: 'mysql://db/app' } },
      'database.url',
      'must be a postgres:// or postgresql:// URL with a host',
    ],
    [
      'a cluster node without a port',
      { redis: { clusterNodes: ['redis-1'] } },
      'redis.clusterNodes.0',
      'must be host:port with a port from 1 to 65535, e.g. redis-1:6379',
    ],
    [
      'a key that is not PEM',
      { server: { auth: { jwtPublicKey: 'ssh-rsa AAAA' } } },
      'server.auth.jwtPublicKey',
      'must be a PEM public key or certificate (-----BEGIN PUBLIC KEY----- …)',
    ],
    [
      'an alert rule with neither above nor below',
      { monitor: { thresholds: { hot: { metric: 'cpu.total' } } } },
      'monitor.thresholds.hot',
      'give exactly one of above and below',
    ],
    [
      'an alert rule without a metric',
      { monitor: { thresholds: { hot: { above: 90 } } } },
      'monitor.thresholds.hot.metric',
      'is required',
    ],
    [
      'an alert rule that is neither a rule nor false',
      { monitor: { thresholds: { hot: true } } },
      'monitor.thresholds.hot',
      'expected an alert rule { metric, above or below, for } or false',
    ],
  ])('reports %s', (_, input, path, rule) => {
    expect(issuesOf(input)).toEqual([{ path, rule, source: 'code' }])
  })

  it('reports an unknown key with the closest known one', () => {
    expect(issuesOf({ cache: { l1: { maxbytes: 1 } }, caching: {} })).toEqual([
      { path: 'cache.l1.maxbytes', rule: 'unknown key; did you mean maxBytes?', source: 'code' },
      { path: 'caching', rule: 'unknown key', source: 'code' },
    ])
  })

  it('reports an unknown key inside a record value', () => {
    expect(issuesOf({ cache: { namespaces: { r: { tll: '1m' } } } })).toEqual([
      { path: 'cache.namespaces.r.tll', rule: 'unknown key; did you mean ttl?', source: 'code' },
    ])
  })

  describe('cross-field rules', () => {
    it('wants memory.softLimit below memory.hardLimit', () => {
      expect(issuesOf({ memory: { softLimit: 0.9, hardLimit: 0.8 } })).toEqual([
        {
          path: 'memory.softLimit',
          rule: 'must be less than memory.hardLimit (0.8)',
          source: 'code',
        },
      ])
      expect(issuesOf({ memory: { softLimit: 0.8, hardLimit: 0.8 } })).toHaveLength(1)
    })

    it('wants tasks.concurrency.min at most max', () => {
      expect(issuesOf({ tasks: { concurrency: { min: 9, max: 8 } } })).toEqual([
        {
          path: 'tasks.concurrency.min',
          rule: 'must not be greater than tasks.concurrency.max (8)',
          source: 'code',
        },
      ])
      expect(
        resolveConfig({ tasks: { concurrency: { min: 8, max: 8 } } }).tasks.concurrency,
      ).toEqual({ min: 8, max: 8 })
    })

    it('wants database.pool.min at most max', () => {
      expect(issuesOf({ database: { pool: { min: 5, max: 2 } } })).toEqual([
        {
          path: 'database.pool.min',
          rule: 'must not be greater than database.pool.max (2)',
          source: 'code',
        },
      ])
    })

    it('refuses redis.url together with redis.clusterNodes', () => {
      expect(
        issuesOf({ redis: { url: 'redis://cache:6379', clusterNodes: ['redis-1:6379'] } }),
      ).toEqual([
        {
          path: 'redis.clusterNodes',
          rule: 'give either redis.url or redis.clusterNodes, not both',
          source: 'code',
        },
      ])
    })

    it('allows at most one way of verifying tokens', () => {
      const auth = { jwtSecret: 'x'.repeat(32), jwksUrl: 'https://auth.example.com/jwks' }
      expect(issuesOf({ server: { auth } })).toEqual([
        {
          path: 'server.auth.jwksUrl',
          rule: 'give at most one of jwtSecret, jwtPublicKey and jwksUrl (jwtSecret is set too)',
          source: 'code',
        },
      ])
    })

    it('wants an alert rule to clear on its side of the threshold', () => {
      expect(
        issuesOf({
          monitor: { thresholds: { hot: { metric: 'cpu.total', above: 80, clearAt: 90 } } },
        }),
      ).toEqual([
        {
          path: 'monitor.thresholds.hot.clearAt',
          rule: 'must not be greater than above (80)',
          source: 'code',
        },
      ])
    })
  })

  describe('secrets', () => {
    it('never shows a secret that breaks its rule', () => {
      const secret = 'tiny-secret-value'
      let message = ''
      try {
        resolveConfig({ server: { auth: { jwtSecret: secret }, metricsToken: 'short-tok' } })
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toContain('server.auth.jwtSecret: must be a string of at least 32 characters')
      expect(message).toContain('server.metricsToken: must be a string of at least 16 characters')
      expect(message).not.toContain(secret)
      expect(message).not.toContain('short-tok')
    })

    it('never shows a password from a bad URL', () => {
      let message = ''
      try {
        resolveConfig({ redis: { url: 'http://:hunter2@cache:6379' } })
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toContain('redis.url')
      expect(message).not.toContain('hunter2')
    })

    it('keeps previous JWT secrets only beside a current one', () => {
      expect(() =>
        resolveConfig({ server: { auth: { jwtPreviousSecrets: ['p'.repeat(32)] } } }),
      ).toThrow('server.auth.jwtPreviousSecrets: needs jwtSecret')
    })

    it('accepts secrets that follow the rules', () => {
      const config = resolveConfig({
        server: { auth: { jwtSecret: 'k'.repeat(32) }, metricsToken: 't'.repeat(16) },
      })
      expect(config.server.auth.jwtSecret).toHaveLength(32)
    })
  })
})
