import { describe, expect, it } from 'vitest'
import { envVariableNames, readEnvironment } from './env.js'
import { configSchema } from './schema.js'
import { schemaLeaves } from './schema-walk.js'

function settingsOf(env: Record<string, string>) {
  const reading = readEnvironment(env)
  expect(reading.issues).toEqual([])
  return Object.fromEntries(reading.settings.map((s) => [s.path.join('.'), s.value]))
}

describe('envVariableNames', () => {
  it('names every setting of the schema, each differently', () => {
    const names = envVariableNames()
    const paths = schemaLeaves(configSchema).map((leaf) => leaf.path.join('.'))
    expect(Object.keys(names)).toEqual(paths)
    expect(new Set(Object.values(names)).size).toBe(paths.length)
  })

  it('builds names from the path, splitting camelCase into words', () => {
    const names = envVariableNames()
    expect(names['cache.l1.maxBytes']).toBe('BI_PERF_CACHE_L1_MAX_BYTES')
    expect(names['tasks.retry.backoff.delay']).toBe('BI_PERF_TASKS_RETRY_BACKOFF_DELAY')
    expect(names['server.rateLimit.requests']).toBe('BI_PERF_SERVER_RATE_LIMIT_REQUESTS')
    expect(names.profile).toBe('BI_PERF_PROFILE')
  })

  it('uses the conventional names where other tools have one', () => {
    expect(envVariableNames()).toMatchObject({
      'redis.url': 'REDIS_URL',
      'redis.clusterNodes': 'REDIS_CLUSTER_NODES',
      'database.url': 'DATABASE_URL',
      'server.port': 'PORT',
      'server.host': 'HOST',
      'server.logLevel': 'BI_PERF_LOG_LEVEL',
      'server.auth.jwtSecret': 'BI_PERF_JWT_SECRET',
      'server.auth.jwtPreviousSecrets': 'BI_PERF_JWT_PREVIOUS_SECRETS',
      'server.auth.jwtPublicKey': 'BI_PERF_JWT_PUBLIC_KEY',
      'server.auth.jwksUrl': 'BI_PERF_JWKS_URL',
    })
  })
})

describe('readEnvironment', () => {
  it('reads numbers', () => {
    expect(settingsOf({ PORT: '9000', BI_PERF_CACHE_TTL_JITTER: '0.25' })).toEqual({
      'server.port': 9000,
      'cache.ttlJitter': 0.25,
    })
  })

  it('reads durations and sizes as bare numbers or strings with a unit', () => {
    expect(
      settingsOf({
        BI_PERF_CACHE_TTL: '30s',
        BI_PERF_CACHE_GRACE: '1500',
        BI_PERF_CACHE_L1_MAX_BYTES: '64MiB',
        BI_PERF_SERVER_BODY_LIMIT: '2048',
      }),
    ).toEqual({
      'cache.ttl': '30s',
      'cache.grace': 1500,
      'cache.l1.maxBytes': '64MiB',
      'server.bodyLimit': 2048,
    })
  })

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['No', false],
  ])('reads the boolean %s', (raw, value) => {
    expect(settingsOf({ BI_PERF_CACHE_COHERENCE: raw })).toEqual({ 'cache.coherence': value })
  })

  it('reads lists as comma-separated values', () => {
    expect(
      settingsOf({
        REDIS_CLUSTER_NODES: 'redis-1:6379, redis-2:6379,',
        BI_PERF_SERVER_CORS_ORIGINS: 'https://a.example',
      }),
    ).toEqual({
      'redis.clusterNodes': ['redis-1:6379', 'redis-2:6379'],
      'server.cors.origins': ['https://a.example'],
    })
  })

  it('reads record-valued settings as JSON', () => {
    expect(
      settingsOf({
        BI_PERF_CACHE_NAMESPACES: '{"reports":{"ttl":"10m"}}',
        BI_PERF_MONITOR_THRESHOLDS: '{"disk-high":false}',
      }),
    ).toEqual({
      'cache.namespaces': { reports: { ttl: '10m' } },
      'monitor.thresholds': { 'disk-high': false },
    })
  })

  it('reads strings and enum values as they are', () => {
    expect(
      settingsOf({ REDIS_URL: 'redis://localhost:6379', BI_PERF_CACHE_L1_VALUES: 'copied' }),
    ).toEqual({ 'redis.url': 'redis://localhost:6379', 'cache.l1.values': 'copied' })
  })

  it('treats an empty variable as unset', () => {
    expect(settingsOf({ PORT: '', BI_PERF_CACHE_TTL: '', BI_PERF_CACHE_NAMESPACES: '' })).toEqual(
      {},
    )
  })

  it('reports a boolean it cannot read', () => {
    expect(readEnvironment({ BI_PERF_CACHE_ENABLED: 'maybe' }).issues).toEqual([
      {
        path: 'cache.enabled',
        rule: 'expected true, false, 1, 0, yes or no',
        source: 'env BI_PERF_CACHE_ENABLED',
      },
    ])
  })

  it('reports JSON it cannot read without quoting it', () => {
    const { issues, settings } = readEnvironment({ BI_PERF_CACHE_NAMESPACES: '{"pw": hunter2' })
    expect(settings).toEqual([])
    expect(issues).toEqual([
      {
        path: 'cache.namespaces',
        rule: expect.stringMatching(/^expected a JSON object/) as string,
        source: 'env BI_PERF_CACHE_NAMESPACES',
      },
    ])
    expect(JSON.stringify(issues)).not.toContain('hunter2')
  })

  it('rejects JSON that is not an object', () => {
    expect(readEnvironment({ BI_PERF_DATABASE_CACHE_SCOPES: '["a"]' }).issues).toHaveLength(1)
  })

  it('reports an unknown BI_PERF_ variable with the closest name', () => {
    expect(readEnvironment({ BI_PERF_CACHE_TTL_JITER: '0.2' }).issues).toEqual([
      {
        path: 'BI_PERF_CACHE_TTL_JITER',
        rule: 'unknown setting; did you mean BI_PERF_CACHE_TTL_JITTER?',
        source: 'env BI_PERF_CACHE_TTL_JITER',
      },
    ])
  })

  it('suggests the conventional name for a rule-built one', () => {
    const { issues } = readEnvironment({ BI_PERF_REDIS_URL: 'redis://h', BI_PERF_SERVER_PORT: '1' })
    expect(issues.map((issue) => issue.rule)).toEqual([
      'unknown setting; did you mean REDIS_URL?',
      'unknown setting; did you mean PORT?',
    ])
  })

  it('reports an unknown variable without a suggestion when nothing is close', () => {
    expect(readEnvironment({ BI_PERF_WIBBLE: 'x' }).issues).toEqual([
      { path: 'BI_PERF_WIBBLE', rule: 'unknown setting', source: 'env BI_PERF_WIBBLE' },
    ])
  })

  it('accepts the reserved variables and ignores other programs’ variables', () => {
    const reading = readEnvironment({
      BI_PERF_CONFIG: 'x.yaml',
      BI_PERF_URL: 'http://localhost:8080',
      BI_PERF_TOKEN: 't',
      NODE_ENV: 'production',
      PATH: '/usr/bin',
    })
    expect(reading).toEqual({ settings: [], issues: [] })
  })
})
