import type { Optimizer } from '@bi-perf/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  hsToken,
  makeApp,
  readError,
  startOptimizer,
  stopAll,
  testConfig,
} from './helpers.js'

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
}

/** A strict line-by-line parser of the Prometheus text format 0.0.4; throws on any bad line. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${line}`
    if (line === '') return
    if (line.startsWith('# HELP ')) {
      if (!NAME.test(line.slice(7).split(' ')[0] ?? '')) throw new Error(`bad HELP, ${where}`)
      return
    }
    if (line.startsWith('# TYPE ')) {
      const [name = '', type = '', ...rest] = line.slice(7).split(' ')
      if (!NAME.test(name) || !TYPES.has(type) || rest.length > 0)
        throw new Error(`bad TYPE, ${where}`)
      if (types.has(name)) throw new Error(`duplicate TYPE, ${where}`)
      types.set(name, type)
      return
    }
    if (line.startsWith('#')) return
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line)
    if (!match) throw new Error(`bad sample, ${where}`)
    const [, name = '', , labelText = '', rawValue = ''] = match
    const labels: Record<string, string> = {}
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/y
    let position = 0
    while (position < labelText.length) {
      labelPattern.lastIndex = position
      const label = labelPattern.exec(labelText)
      if (!label) throw new Error(`bad labels, ${where}`)
      labels[label[1] ?? ''] = label[2] ?? ''
      position = labelPattern.lastIndex
    }
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes `Nan`).
    const special: Record<string, number> = {
      nan: NaN,
      '+inf': Infinity,
      inf: Infinity,
      '-inf': -Infinity,
    }
    const value = special[rawValue.toLowerCase()] ?? Number(rawValue)
    if (!(rawValue.toLowerCase() in special) && (rawValue === '' || Number.isNaN(value))) {
      throw new Error(`bad value, ${where}`)
    }
    const family = [...types.entries()].find(([base, type]) =>
      (SUFFIXES[type] ?? ['']).some((suffix) => base + suffix === name),
    )
    if (!family) throw new Error(`sample without a TYPE, ${where}`)
    samples.push({ name, labels, value })
  })
  return { types, samples }
}

let optimizer: Optimizer
beforeAll(async () => {
  optimizer = await startOptimizer(testConfig())
})
afterAll(stopAll)

describe('GET /metrics', () => {
  it('serves valid Prometheus text with the bi_perf_ component and HTTP metrics', async () => {
    const { app, secret } = await makeApp({ optimizer, processMetrics: true })
    await app.request('/performance/status', { headers: bearer(await hsToken(secret)) })
    const response = await app.request('/metrics')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const { types, samples } = parsePrometheus(await response.text())
    const names = new Set(samples.map((sample) => sample.name))
    for (const name of [
      'bi_perf_cache_hit_ratio',
      'bi_perf_cache_l1_entries',
      'bi_perf_db_pool_max',
      'bi_perf_http_requests_in_flight',
      'process_cpu_user_seconds_total',
    ]) {
      expect(names, name).toContain(name)
    }
    expect(types.get('bi_perf_http_request_duration_seconds')).toBe('histogram')
    const answered = samples.find(
      (sample) =>
        sample.name === 'bi_perf_http_requests_total' &&
        sample.labels['route'] === '/performance/status' &&
        sample.labels['status'] === '200',
    )
    expect(answered?.value).toBe(1)
  })

  it('rejects the parser on a malformed line (the parser is strict)', () => {
    expect(() => parsePrometheus('# TYPE x gauge\nx{a="1} 1\n')).toThrow(/bad/)
    expect(() => parsePrometheus('y 1\n')).toThrow(/without a TYPE/)
  })

  it('answers 401 naming the setting in production when no metrics token is configured', async () => {
    const { app, secret } = await makeApp({ optimizer, environment: 'production' })
    for (const headers of [{}, bearer(await hsToken(secret, { role: 'admin' }))]) {
      const response = await app.request('/metrics', { headers })
      expect(response.status).toBe(401)
      expect(await readError(response)).toEqual({
        code: 'E_API_UNAUTHORIZED',
        message: 'GET /metrics is closed in production until server.metricsToken is set',
      })
    }
  })

  it('serves /metrics in production to the configured metrics token', async () => {
    const metricsToken = 'scrape-token-0123456789'
    const { app } = await makeApp({
      optimizer,
      environment: 'production',
      config: { server: { metricsToken } },
    })
    expect((await app.request('/metrics')).status).toBe(401)
    const right = await app.request('/metrics', { headers: bearer(metricsToken) })
    expect(right.status).toBe(200)
  })

  it('needs the metrics token when server.metricsToken is set', async () => {
    const metricsToken = 'scrape-token-0123456789'
    const { app } = await makeApp({ optimizer, config: { server: { metricsToken } } })
    const missing = await app.request('/metrics')
    expect(missing.status).toBe(401)
    expect(await readError(missing)).toEqual({
      code: 'E_API_UNAUTHORIZED',
      message: 'missing bearer token',
    })
    const wrong = await app.request('/metrics', { headers: bearer('scrape-token-wrong-value') })
    expect(wrong.status).toBe(401)
    expect((await readError(wrong)).message).toBe('bad metrics token')
    const right = await app.request('/metrics', { headers: bearer(metricsToken) })
    expect(right.status).toBe(200)
    expect(parsePrometheus(await right.text()).samples.length).toBeGreaterThan(10)
  })
})
