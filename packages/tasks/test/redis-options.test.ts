import { Cluster, Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { InvalidOptionError, createTaskQueue } from '../src/index.js'
import { Harness, REDIS_URL, uniqueName, waitFor } from './helpers.js'

const harness = new Harness('bullmq')
afterAll(() => harness.cleanup())

describe('Redis options', () => {
  it('refuses an ioredis client with keyPrefix at construction', () => {
    const client = new Redis(REDIS_URL, { keyPrefix: 'app:', lazyConnect: true })
    expect(() => createTaskQueue({ name: 'x', redis: client })).toThrow(InvalidOptionError)
    expect(() => createTaskQueue({ name: 'x', redis: client })).toThrow(/keyPrefix/)
    client.disconnect()
  })

  it('refuses a Cluster whose prefix has no {hash-tag}, accepts one that has', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true })
    expect(() => createTaskQueue({ name: 'x', redis: cluster })).toThrow(/hash-tag/)
    const tasks = createTaskQueue({ name: 'x', redis: cluster, prefix: '{jobs}', worker: false })
    void tasks.close({ timeout: 0 })
    cluster.disconnect()
  })

  it('refuses a malformed URL', () => {
    expect(() => createTaskQueue({ name: 'x', redis: 'localhost:6379' })).toThrow(/redis:\/\//)
  })

  it('splits producers and workers: a worker-less queue only enqueues', async () => {
    const name = uniqueName('split')
    const producer = harness.open({ name, worker: false, taskNames: ['email'] })
    expect(() => producer.define('email', () => undefined)).toThrow(/worker: false/)
    await expect(producer.enqueue('sms', {})).rejects.toThrow(/Unknown task "sms"/)
    const seen: unknown[] = []
    const worker = harness.open({ name, concurrency: 4 })
    worker.define('email', (data) => void seen.push(data))
    await producer.enqueueMany(
      Array.from({ length: 20 }, (_, n) => ({ name: 'email', data: { n } })),
    )
    await waitFor(() => seen.length === 20, { what: 'the worker to run them' })
    const status = await producer.status()
    expect(status).toMatchObject({ worker: false, concurrency: 0, backend: 'bullmq' })
    expect(status.counts.completed).toBe(20)
  })

  it('uses a client you pass and leaves it open after close', async () => {
    const client = new Redis(REDIS_URL)
    const tasks = harness.open({ name: uniqueName('own-client'), redis: client })
    tasks.define('ping', () => 'pong')
    await tasks.enqueue('ping', null)
    await waitFor(async () => (await tasks.status()).counts.completed === 1)
    await tasks.close()
    expect(await client.ping()).toBe('PONG')
    await client.quit()
  })
})
