import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OwnedCluster } from '@bi-perf/test-services'
import { loadConfig } from '../src/config/loader.js'
import { createOptimizer } from '../src/create-optimizer.js'
import type { Optimizer } from '../src/optimizer.js'
import { waitFor } from '@bi-perf/test-services'
import { uniqueName } from './helpers.js'

// The optimizer on a real three-master Redis Cluster, configured the way a user would: only
// REDIS_CLUSTER_NODES in the environment. Cache, tasks, heartbeats and profile sync all run on
// the Cluster; one cluster for the whole file, stopped by pid afterwards.
let owned: OwnedCluster
let inspector: Cluster
const cwd = mkdtempSync(join(tmpdir(), 'bi-perf-core-cluster-'))
const prefix = uniqueName('cluster')
const open: Optimizer[] = []

beforeAll(async () => {
  owned = await OwnedCluster.start()
  inspector = new Cluster(owned.nodes)
  await waitFor(() => inspector.status === 'ready')
}, 60_000)

afterAll(async () => {
  await Promise.all(open.map((perf) => perf.stop()))
  inspector?.disconnect()
  await owned?.stop()
  rmSync(cwd, { recursive: true, force: true })
})

/** An optimizer built from the environment alone, as a deployment would configure it. */
async function optimizer(env: Record<string, string> = {}): Promise<Optimizer> {
  const config = await loadConfig({
    cwd,
    env: {
      REDIS_CLUSTER_NODES: owned.ports.map((port) => `127.0.0.1:${port}`).join(','),
      BI_PERF_REDIS_PREFIX: prefix,
      BI_PERF_TASKS_QUEUE: `${prefix}-queue`,
      BI_PERF_DATABASE_ENABLED: 'false',
      BI_PERF_MONITOR_ENABLED: 'false',
      BI_PERF_MEMORY_ENABLED: 'false',
      ...env,
    },
  })
  expect(config.redis.clusterNodes).toHaveLength(3)
  const perf = await createOptimizer(config)
  open.push(perf)
  await perf.start()
  await waitFor(() => perf.cache?.stats().l2?.connection === 'ready')
  return perf
}

/** How many keys matching the pattern each master holds. */
async function perMaster(pattern: string): Promise<number[]> {
  return Promise.all(
    inspector.nodes('master').map(async (node) => {
      let cursor = '0'
      let count = 0
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000)
        cursor = next
        count += keys.length
      } while (cursor !== '0')
      return count
    }),
  )
}

describe('an optimizer configured with REDIS_CLUSTER_NODES', () => {
  it('caches keys spread over every master and reads them back with mget across slots', async () => {
    const perf = await optimizer({ BI_PERF_CACHE_L1_ENABLED: 'false' })
    const cache = perf.cache!
    const keys = Array.from({ length: 120 }, (_, i) => `spread:${i}`)
    await cache.mset(keys.map((key, i) => ({ key, value: { i } })))

    const counts = await perMaster(`${prefix}:cache:spread:*`)
    expect(counts.every((count) => count > 0)).toBe(true)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(120)

    expect(await cache.get('spread:7')).toEqual({ i: 7 })
    const values = await cache.mget<{ i: number }>(keys)
    expect(values.map((value) => value?.i)).toEqual(keys.map((_, i) => i))
    expect(cache.stats().l2?.errors).toBe(0)
    expect(cache.stats().l2?.hits).toBeGreaterThanOrEqual(121)
  })

  it('clears a pattern on every master without CROSSSLOT errors', async () => {
    const perf = await optimizer()
    const cache = perf.cache!
    await cache.mset(Array.from({ length: 90 }, (_, i) => ({ key: `gone:${i}`, value: i })))
    await cache.set('kept', 'stays')
    expect((await perMaster(`${prefix}:cache:gone:*`)).every((count) => count > 0)).toBe(true)

    expect(await perf.clearCache({ pattern: 'gone:*' })).toBeGreaterThanOrEqual(90)
    expect(await perMaster(`${prefix}:cache:gone:*`)).toEqual([0, 0, 0])
    expect(await inspector.exists(`${prefix}:cache:kept`)).toBe(1)
    expect(cache.stats().l2?.errors).toBe(0)
  })

  it('invalidates a tag whose entries live on different masters', async () => {
    const perf = await optimizer()
    const cache = perf.cache!
    const keys = ['region:north', 'region:south', 'region:east', 'region:west']
    const slots = await Promise.all(
      keys.map((key) => inspector.cluster('KEYSLOT', `${prefix}:cache:${key}`)),
    )
    expect(new Set(slots).size).toBe(keys.length)
    for (const key of keys) await cache.set(key, key, { tags: ['regions'] })

    expect(await cache.invalidateTags(['regions'])).toBe(keys.length)
    for (const key of keys) expect(await inspector.exists(`${prefix}:cache:${key}`)).toBe(0)
    expect(await cache.mget(keys)).toEqual([undefined, undefined, undefined, undefined])
    expect(cache.stats().l2?.errors).toBe(0)
  })

  it('runs tasks on the cluster, each queue under its own hash tag', async () => {
    const first = await optimizer()
    const second = await optimizer({ BI_PERF_TASKS_QUEUE: `${prefix}-other` })
    const ran: string[] = []
    first.tasks!.define('echo', (data: { n: number }) => void ran.push(`first:${data.n}`))
    second.tasks!.define('echo', (data: { n: number }) => void ran.push(`second:${data.n}`))
    await first.tasks!.enqueueMany([0, 1, 2].map((n) => ({ name: 'echo', data: { n } })))
    await second.tasks!.enqueue('echo', { n: 0 })
    await waitFor(() => ran.length === 4, { timeoutMs: 10_000 })
    expect(ran.sort()).toEqual(['first:0', 'first:1', 'first:2', 'second:0'])

    // Every key of one queue shares the slot of its hash tag (BullMQ's scripts need that); the
    // two queues hash to different slots, so queues spread over the masters.
    const slotsOf = async (queue: string) => {
      const keys: string[] = []
      for (const node of inspector.nodes('master')) {
        const [, found] = await node.scan(
          '0',
          'MATCH',
          `${prefix}:tasks:{${queue}}:*`,
          'COUNT',
          10_000,
        )
        keys.push(...found)
      }
      expect(keys.length).toBeGreaterThan(0)
      return new Set(await Promise.all(keys.map((key) => inspector.cluster('KEYSLOT', key))))
    }
    const firstSlots = await slotsOf(`${prefix}-queue`)
    const secondSlots = await slotsOf(`${prefix}-other`)
    expect(firstSlots.size).toBe(1)
    expect(secondSlots.size).toBe(1)
    expect([...firstSlots][0]).not.toBe([...secondSlots][0])
  })

  it('runs delayed tasks and retries failed ones on the cluster', async () => {
    const perf = await optimizer({
      BI_PERF_TASKS_QUEUE: `${prefix}-delayed`,
      BI_PERF_TASKS_RETRY_BACKOFF_DELAY: '200ms',
    })
    const tasks = perf.tasks!
    const runs: string[] = []
    let failures = 0
    tasks.define('later', () => {
      runs.push('later')
    })
    tasks.define('flaky', () => {
      runs.push('flaky')
      if (failures++ === 0) throw new Error('first attempt fails')
    })
    await tasks.enqueue('later', {}, { delay: 300 })
    await tasks.enqueue('flaky', {})
    await waitFor(() => runs.filter((run) => run === 'later').length === 1, { timeoutMs: 15_000 })
    await waitFor(() => runs.filter((run) => run === 'flaky').length === 2, { timeoutMs: 15_000 })
  })

  it('lists both instances through heartbeats and applies a profile applied on the other', async () => {
    const a = await optimizer()
    const b = await optimizer()
    await waitFor(() => {
      return b.status().instances.includes(a.instance) && b.status().instances.includes(b.instance)
    })
    await a.applyProfile('memory')
    await waitFor(() => b.profile === 'memory')
    expect(await inspector.get(`${prefix}:profile`)).toBe('memory')
    await a.applyProfile('balanced')
    await waitFor(() => b.profile === 'balanced')
  })

  it("evicts B's in-process copy within 100 ms of A's write (pub/sub across the cluster)", async () => {
    const a = await optimizer()
    const b = await optimizer()
    const cacheA = a.cache!
    const cacheB = b.cache!
    // Prove B's subscription is live before timing it.
    let round = 0
    await waitFor(async () => {
      await cacheA.set('probe', ++round)
      return (await cacheB.get('probe')) === round
    })

    // B writes the old value itself, so it sits in B's in-process tier and the only message
    // about the key that B can receive is the one A's write sends.
    const delays: number[] = []
    for (let i = 0; i < 5; i++) {
      const key = `coherent:${i}`
      await cacheB.set(key, 'old')
      const hitsBefore = cacheB.stats().l1.hits
      expect(await cacheB.get(key)).toBe('old')
      expect(cacheB.stats().l1.hits).toBe(hitsBefore + 1)
      const receivedBefore = cacheB.stats().l2!.invalidationsReceived
      const resyncsBefore = cacheB.stats().l2!.resyncs

      await cacheA.set(key, 'new')
      const written = performance.now()
      while ((await cacheB.get(key)) !== 'new') {
        if (performance.now() - written > 2_000) throw new Error(`B still serves the old ${key}`)
        await new Promise((resolve) => setImmediate(resolve))
      }
      delays.push(performance.now() - written)
      // A's message evicted it, or B's subscription came back in between (the cluster moved
      // it), and B dropped its whole in-process tier, as it must when messages may be lost.
      const { invalidationsReceived, resyncs } = cacheB.stats().l2!
      expect(invalidationsReceived > receivedBefore || resyncs > resyncsBefore).toBe(true)
    }
    console.log(
      `L1 invalidation delay on the cluster: ${delays.map((d) => d.toFixed(1)).join(', ')} ms`,
    )
    expect(Math.max(...delays)).toBeLessThan(100)
  })
})
