import { existsSync, openSync, readSync, closeSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, cli, mainBin, run, SECRET, startApi, type ApiProcess } from './helpers.js'

// The rough edges of a first run: usage errors in one line, exit codes by the README's table, a
// wrong base URL or scheme named as such, and the heap-snapshot command against a real API.

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  return lines[0]!
}

describe('usage errors print one line and exit 2', () => {
  const cases: [args: string[], line: string][] = [
    [
      ['statsu'],
      "bi-performance: unknown command 'statsu' (did you mean status?); see bi-performance --help",
    ],
    [
      ['status', '--jsno'],
      "bi-performance: unknown option '--jsno' (did you mean --json?); see bi-performance status --help",
    ],
    [
      ['token'],
      "bi-performance: required option '--role <role>' not specified; see bi-performance token --help",
    ],
    [
      ['token', '--role', 'root'],
      "bi-performance: option '--role <role>' argument 'root' is invalid. Allowed choices are viewer, admin; see bi-performance token --help",
    ],
    [
      ['recommendations', '--priority', 'urgent'],
      "bi-performance: option '--priority <level>' argument 'urgent' is invalid. Allowed choices are critical, high, medium, low; see bi-performance recommendations --help",
    ],
  ]
  for (const [args, line] of cases) {
    it(`bi-performance ${args.join(' ')}`, async () => {
      const result = await cli(args, { env: cleanEnv({ BI_PERF_JWT_SECRET: SECRET }) })
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      expect(oneLine(result.stderr)).toBe(line)
    })
  }

  it('names a bad duration and the command to read', async () => {
    const result = await cli(['monitor', '--interval', 'soon'])
    expect(result.code).toBe(2)
    const line = oneLine(result.stderr)
    expect(line).toMatch(
      /^bi-performance: option '--interval <duration>' argument 'soon' is invalid/,
    )
    expect(line).toMatch(/; see bi-performance monitor --help$/)
  })

  it('does the same under bi-perf performance', async () => {
    const result = await run(mainBin, ['performance', 'stauts'])
    expect(result.code).toBe(2)
    expect(oneLine(result.stderr)).toBe(
      "bi-perf: unknown command 'stauts' (did you mean status?); see bi-perf performance --help",
    )
  })

  it('still prints the full help on --help, exit 0', async () => {
    const result = await cli(['status', '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: bi-performance status [options]')
  })
})

describe('optimize on embedded PGlite without Redis', () => {
  it('lists only what the profile changes here and names what the backend caps or ignores', async () => {
    const result = await cli(['optimize', 'performance'], { timeoutMs: 90_000 })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^profile balanced → performance: \d+ settings changed/)
    expect(result.stdout).toMatch(/^cache\.ttl\s+1h\s+4h$/m)
    expect(result.stdout).not.toMatch(/^database\.pool\.max\s/m)
    expect(result.stdout).not.toMatch(/^cache\.compression\.threshold\s/m)
    expect(result.stdout).toContain('not applied on this backend:')
    expect(result.stdout).toContain('  database.pool.max → 20 (capped at 1 by embedded PGlite)')
    expect(result.stdout).toContain(
      '  cache.compression.threshold → 4.0 KiB (compresses only values stored in Redis; no Redis configured)',
    )
  }, 90_000)

  it('puts the held settings in --json', async () => {
    const result = await cli(['optimize', 'memory', '--json'], { timeoutMs: 90_000 })
    expect(result.code).toBe(0)
    const change = JSON.parse(result.stdout) as { held: { setting: string }[] }
    expect(change.held.map((item) => item.setting)).toEqual([
      'cache.compression.threshold',
      'database.pool.max',
    ])
  }, 90_000)
})

describe('a URL that is not the API', () => {
  let api: ApiProcess
  let plain: Server
  let plainUrl: string

  beforeAll(async () => {
    api = await startApi()
    // 404 for everything, except an HTML page for every path under /spa (a single-page app).
    plain = createServer((request, response) => {
      if (request.url?.startsWith('/spa/')) {
        response.setHeader('content-type', 'text/html')
        response.end('<!doctype html><title>app</title>')
        return
      }
      response.statusCode = 404
      response.end('Not Found')
    })
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    plainUrl = `127.0.0.1:${(plain.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await api?.stop()
    await new Promise((resolve) => plain?.close(resolve))
  })

  it('asks whether the parent is the base URL when --url has an extra path (exit 2)', async () => {
    const result = await cli(['status', '--url', `${api.url}/api`, '--token', api.viewerToken], {
      env: cleanEnv(),
    })
    expect(result.code).toBe(2)
    expect(oneLine(result.stderr)).toBe(
      `bi-performance: ${api.url}/api is not the base URL of the API (GET /api/performance/status answered 404) — is ${api.url} the base URL? Pass --url ${api.url} or set BI_PERF_URL`,
    )
  })

  it('says a server that is no bi-perf API is not one (exit 2)', async () => {
    const result = await cli(['metrics', '--url', `http://${plainUrl}`], { env: cleanEnv() })
    expect(result.code).toBe(2)
    expect(oneLine(result.stderr)).toContain(
      `http://${plainUrl} does not look like a bi-perf API (GET /performance/metrics answered 404)`,
    )
  })

  it('exits 2 when the URL answers pages instead of JSON', async () => {
    const result = await cli(['status', '--url', `http://${plainUrl}/spa`], { env: cleanEnv() })
    expect(result.code).toBe(2)
    expect(oneLine(result.stderr)).toBe(
      `bi-performance: GET http://${plainUrl}/spa/performance/status answered 200 with a body that is not JSON — is --url a bi-perf API?`,
    )
  })

  it('explains https:// against a plain HTTP port in one line (exit 2)', async () => {
    const result = await cli(['status', '--url', `https://${plainUrl}`], { env: cleanEnv() })
    expect(result.code).toBe(2)
    const line = oneLine(result.stderr)
    expect(line).toBe(
      `bi-performance: cannot reach the API at https://${plainUrl}/performance/status: the server at ${plainUrl} speaks plain HTTP, not HTTPS — use --url http://${plainUrl}`,
    )
    expect(line).not.toMatch(/SSL|openssl/i)
  })
})

describe('heap-snapshot', () => {
  let api: ApiProcess
  const written: string[] = []

  beforeAll(async () => {
    api = await startApi()
  })

  afterAll(async () => {
    await api?.stop()
    for (const path of written) rmSync(path, { force: true })
  })

  it('says in one line that it needs a running API (exit 2)', async () => {
    const result = await cli(['heap-snapshot'])
    expect(result.code).toBe(2)
    expect(oneLine(result.stderr)).toBe(
      "bi-performance: heap-snapshot needs a running API: pass --url or set BI_PERF_URL (it snapshots the server's heap, not this command's)",
    )
  })

  it('says an API without the route is probably older (exit 2)', async () => {
    // An API from before the route: status answers in the API's shape, the snapshot route 404s.
    const older = createServer((request, response) => {
      response.setHeader('content-type', 'application/json')
      const known = request.url === '/performance/status'
      response.statusCode = known ? 401 : 404
      response.end(
        JSON.stringify({
          error: known
            ? { code: 'E_API_UNAUTHORIZED', message: 'missing bearer token' }
            : { code: 'E_API_NOT_FOUND', message: `no route ${request.method} ${request.url}` },
        }),
      )
    })
    await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(older.address() as AddressInfo).port}`
    try {
      const result = await cli(['heap-snapshot', '--url', url, '--token', api.adminToken], {
        env: cleanEnv(),
      })
      expect(result.code).toBe(2)
      expect(oneLine(result.stderr)).toBe(
        `bi-performance: the API at ${url} has no POST /performance/memory/heap-snapshot — is it an older bi-perf version?`,
      )
    } finally {
      await new Promise((resolve) => older.close(resolve))
    }
  })

  it('refuses a viewer token (exit 2)', async () => {
    const result = await cli(['heap-snapshot'], {
      env: cleanEnv({ BI_PERF_URL: api.url, BI_PERF_TOKEN: api.viewerToken }),
    })
    expect(result.code).toBe(2)
    expect(oneLine(result.stderr)).toContain('token rejected: this route needs role admin')
  })

  it('writes a snapshot on the server and prints where (exit 0)', async () => {
    const result = await cli(['heap-snapshot', '--json'], {
      env: cleanEnv({ BI_PERF_URL: api.url, BI_PERF_TOKEN: api.adminToken }),
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const body = JSON.parse(result.stdout) as { path: string; bytes: number; durationMs: number }
    written.push(body.path)
    expect(existsSync(body.path)).toBe(true)
    expect(body.bytes).toBeGreaterThan(0)
    const head = Buffer.alloc(64)
    const file = openSync(body.path, 'r')
    readSync(file, head, 0, 64, 0)
    closeSync(file)
    expect(head.toString()).toMatch(/^\{\s*"snapshot"\s*:\s*\{\s*"meta"\s*:/)
  })
})
