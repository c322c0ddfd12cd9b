import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createCache, type Cache } from '../src/index.js'
import {
  dropPrefix,
  inspector,
  REDIS_URL,
  subscriptionLive,
  uniquePrefix,
  waitFor,
} from './helpers.js'

const redis = inspector()
const prefix = uniquePrefix('coherence')
const opened: Cache[] = []

async function instance(): Promise<Cache> {
  const cache = createCache({ redis: REDIS_URL, prefix, commandTimeout: '2s' })
  opened.push(cache)
  await waitFor(() => cache.stats().l2?.connection === 'ready', { what: 'the cache to connect' })
  return cache
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()))
})

afterAll(async () => {
  await dropPrefix(redis, prefix)
  redis.disconnect()
})

describe('coherence between instances', () => {
  it('evicts another in-process instance on set, delete, clear and tags', async () => {
    const a = await instance()
    const b = await instance()
    await subscriptionLive(a, b)

    await a.set('k', 'v1')
    expect(await b.get('k')).toBe('v1')
    await a.set('k', 'v2')
    await waitFor(async () => (await b.get('k')) === 'v2', { what: 'eviction after set' })

    await a.delete('k')
    await waitFor(async () => (await b.get('k')) === undefined, { what: 'eviction after delete' })

    await a.set('p:1', 1)
    expect(await b.get('p:1')).toBe(1)
    await a.clear('p:*')
    await waitFor(async () => (await b.get('p:1')) === undefined, { what: 'eviction after clear' })

    await a.set('t', 1, { tags: ['x'] })
    expect(await b.get('t')).toBe(1)
    await a.invalidateTags(['x'])
    await waitFor(async () => (await b.get('t')) === undefined, { what: 'eviction after tags' })
    expect(b.stats().l2?.invalidationsReceived).toBeGreaterThanOrEqual(4)
  })

  it('evicts the in-process tier of another process', async () => {
    const a = await instance()
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/cache-reader.ts', import.meta.url))],
      {
        env: { ...process.env, REDIS_URL, CACHE_PREFIX: prefix },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    )
    const lines = createInterface({ input: child.stdout })
    const replies: string[] = []
    lines.on('line', (line) => replies.push(line))
    const ask = async (key: string): Promise<unknown> => {
      const count = replies.length
      child.stdin.write(`${key}\n`)
      await waitFor(() => replies.length > count, { what: 'the child to answer' })
      return JSON.parse(replies[count]!) as unknown
    }
    try {
      await subscriptionLive(a, { get: ask })
      await a.set('shared', 'first')
      expect(await ask('shared')).toBe('first')
      await a.set('shared', 'second')
      await waitFor(async () => (await ask('shared')) === 'second', {
        what: 'cross-process eviction',
      })
    } finally {
      child.stdin.end()
      await new Promise((resolve) => child.once('exit', resolve))
    }
  })
})
