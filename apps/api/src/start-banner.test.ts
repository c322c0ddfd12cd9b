import { resolveConfig } from '@bi-perf/core'
import { describe, expect, it } from 'vitest'
import { prettyLine, resolveLogFormat } from './pretty-log.js'
import { renderStartBanner, type StartFacts } from './start-banner.js'

function facts(overrides: Partial<StartFacts> = {}): StartFacts {
  return {
    version: '1.2.3',
    url: 'http://0.0.0.0:8080',
    browserUrl: 'http://127.0.0.1:8080',
    profile: 'balanced',
    environment: 'development',
    access: { kind: 'secret' },
    config: resolveConfig({}),
    ...overrides,
  }
}

describe('renderStartBanner', () => {
  it('names the embedded backends and the one-time dashboard link without a secret', () => {
    const text = renderStartBanner(
      facts({ access: { kind: 'development-token', token: 'aaa.bbb.ccc', ttl: '12 h' } }),
    ).join('\n')
    expect(text).toMatch(/^bi-perf-api 1\.2\.3 listening on http:\/\/0\.0\.0\.0:8080\n/)
    expect(text).toContain('dashboard  http://127.0.0.1:8080/#token=aaa.bbb.ccc (admin, valid 12 h')
    expect(text).toContain('database   embedded PGlite (in memory')
    expect(text).toContain('tasks      in-process queue')
    expect(text).toContain('cache      L1 only (in process)')
  })

  it('tells how to mint a token when a secret is configured, and names hosts without credentials', () => {
    const config = resolveConfig({
      database: { url: 'postgres://app:hunter2@db.internal:5432/sales' },
      redis: { url: 'redis://:hunter2@cache.internal:6379' },
    })
    const text = renderStartBanner(facts({ config })).join('\n')
    expect(text).toContain('run `bi-performance token --role admin` and open')
    expect(text).toContain('http://127.0.0.1:8080/#token=<token>')
    expect(text).toContain('database   PostgreSQL db.internal:5432/sales')
    expect(text).toContain('tasks      Redis cache.internal:6379, queue "bi-perf"')
    expect(text).toContain('cache      L1 in process + Redis cache.internal:6379')
    expect(text).not.toContain('hunter2')
  })
})

describe('log format', () => {
  it('is pretty on a terminal and JSON elsewhere unless asked', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty')
    expect(resolveLogFormat('auto', false)).toBe('json')
    expect(resolveLogFormat('json', true)).toBe('json')
    expect(resolveLogFormat('pretty', false)).toBe('pretty')
  })

  it('turns a JSON log line into time, level, message and fields', () => {
    const line = prettyLine(
      '{"level":"warn","time":"2026-12-04T21:04:05.000Z","pid":1,"hostname":"h","msg":"slow","ms":12,"path":"/a b"}\n',
    )
    expect(line).toMatch(/^\d\d:\d\d:\d\d WARN {2}slow ms=12 path="\/a b"\n$/)
    expect(prettyLine('not json\n')).toBe('not json\n')
  })
})
