import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createTaskQueue } from '../src/index.js'
import { PREFIX, REDIS_URL, obliterate, uniqueName, waitFor } from './helpers.js'

const name = uniqueName('crash')
const doneKey = `${PREFIX}:${name}:done`
const redis = new Redis(REDIS_URL)

afterAll(async () => {
  await obliterate(name)
  await redis.del(doneKey)
  await redis.quit()
})

describe('crash recovery on BullMQ', () => {
  it('finishes every one of 1,000 tasks after a worker process is SIGKILLed mid-task', async () => {
    const producer = createTaskQueue({ name, redis: REDIS_URL, prefix: PREFIX, worker: false })
    const ids = Array.from({ length: 1000 }, (_, index) => `task-${index}`)
    await producer.enqueueMany(ids.map((id) => ({ name: 'work', data: { id }, options: { id } })))
    expect((await producer.status()).counts.waiting).toBe(1000)

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/crash-worker.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          REDIS_URL,
          QUEUE_NAME: name,
          QUEUE_PREFIX: PREFIX,
          DONE_KEY: doneKey,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    )
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      await waitFor(async () => (await redis.scard(doneKey)) >= 100, {
        timeoutMs: 60_000,
        what: 'the child to finish 100 tasks',
      })
      // Mid-run: tasks are active in the child (its locks held) and hundreds still wait.
      expect((await producer.status()).counts.active).toBeGreaterThan(0)
    } finally {
      child.kill('SIGKILL')
      await exited
    }
    const doneAtKill = await redis.scard(doneKey)
    expect(doneAtKill).toBeLessThan(1000)

    const worker = createTaskQueue({
      name,
      redis: REDIS_URL,
      prefix: PREFIX,
      concurrency: 20,
      lockDuration: '2s',
      stalledInterval: '1s',
      keepCompleted: 5000,
    })
    worker.define('work', async ({ id }: { id: string }) => {
      await redis.sadd(doneKey, id)
    })
    try {
      await waitFor(async () => (await worker.status()).counts.completed === 1000, {
        timeoutMs: 90_000,
        what: 'all 1,000 tasks to complete',
      })
      const done = await redis.smembers(doneKey)
      expect(done.sort()).toEqual([...ids].sort())
      expect((await worker.status()).counts).toMatchObject({
        waiting: 0,
        delayed: 0,
        active: 0,
        failed: 0,
        completed: 1000,
      })
    } finally {
      await worker.close()
      await producer.close()
    }
  }, 180_000)
})
