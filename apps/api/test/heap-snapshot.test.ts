import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killApiProcesses, startApi, type ApiProcess } from './api-process.js'
import {
  bearer,
  postgresUrl,
  hsToken,
  newSecret,
  readError,
  redisUrl,
  uniqueName,
} from './helpers.js'

// POST /performance/memory/heap-snapshot on a real server process (Redis, PostgreSQL), writing
// into the directory its configuration names.
const secret = newSecret()
const dir = mkdtempSync(join(tmpdir(), 'bi-perf-heap-'))
const prefix = uniqueName('heap')
let api: ApiProcess

beforeAll(async () => {
  api = await startApi({
    REDIS_URL: redisUrl(),
    DATABASE_URL: postgresUrl(),
    BI_PERF_REDIS_PREFIX: prefix,
    BI_PERF_TASKS_QUEUE: prefix,
    BI_PERF_JWT_SECRET: secret,
    BI_PERF_MEMORY_HEAP_SNAPSHOT_DIR: dir,
  })
}, 60_000)

afterAll(() => {
  killApiProcesses()
  rmSync(dir, { recursive: true, force: true })
})

function snapshot(token?: string): Promise<Response> {
  return fetch(`${api.url}/performance/memory/heap-snapshot`, {
    method: 'POST',
    headers: token ? bearer(token) : {},
  })
}

describe('POST /performance/memory/heap-snapshot', { timeout: 60_000 }, () => {
  it('refuses callers without a token (401) and viewers (403), writing nothing', async () => {
    expect((await snapshot()).status).toBe(401)
    const viewer = await snapshot(await hsToken(secret, { role: 'viewer' }))
    expect(viewer.status).toBe(403)
    expect((await readError(viewer)).code).toBe('E_API_FORBIDDEN')
    expect(readdirSync(dir)).toEqual([])
  })

  it('writes one snapshot at a time into the configured directory; a second caller gets 409', async () => {
    const admin = await hsToken(secret, { role: 'admin' })
    const [first, second] = await Promise.all([snapshot(admin), snapshot(admin)])
    const statuses = [first.status, second.status].sort()
    expect(statuses).toEqual([200, 409])
    const [written, refused] = first.status === 200 ? [first, second] : [second, first]
    expect((await readError(refused)).code).toBe('E_MEMORY_SNAPSHOT_IN_PROGRESS')

    const body = (await written.json()) as { path: string; bytes: number; durationMs: number }
    expect(dirname(body.path)).toBe(dir)
    expect(body.path).toMatch(/\.heapsnapshot$/)
    expect(statSync(body.path).size).toBe(body.bytes)
    // Only the server's user may read it: a heap holds the process's secrets.
    expect(statSync(body.path).mode & 0o777).toBe(0o600)
    expect(body.durationMs).toBeGreaterThan(0)
    const parsed = JSON.parse(await readFile(body.path, 'utf8')) as {
      snapshot: { meta: { node_fields: string[] }; node_count: number }
    }
    expect(parsed.snapshot.meta.node_fields).toContain('name')
    expect(parsed.snapshot.node_count).toBeGreaterThan(0)
  })

  it('answers 429 with Retry-After to a snapshot right after another', async () => {
    const response = await snapshot(await hsToken(secret, { role: 'admin' }))
    expect(response.status).toBe(429)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(readdirSync(dir)).toHaveLength(1)
  })

  it('is documented in /openapi.json with its security and refusals', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown; responses: object }>>
    }
    const operation = document.paths['/performance/memory/heap-snapshot']?.post
    expect(operation?.security).toEqual([{ bearerAuth: [] }])
    expect(Object.keys(operation?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '403', '409', '429']),
    )
  })
})
