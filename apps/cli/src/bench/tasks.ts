import type { Optimizer } from '@bi-perf/core'
import type { BenchResult } from './report.js'
import {
  hasRedis,
  onlyComponents,
  skipSuite,
  type SuiteDefinition,
  type SuiteOutcome,
} from './suite.js'

const TASK = 'bi-perf-bench-noop'
const CONCURRENCY = 8

/**
 * Removes the BullMQ keys of the queue the suite created: every key under the Redis prefix that
 * names the queue (its name carries a random run id, so nothing else matches), on every master
 * of a Cluster.
 */
async function removeQueueKeys(optimizer: Optimizer, prefix: string, queue: string): Promise<void> {
  const redis = optimizer.redis
  if (!redis) return
  const clustered = 'nodes' in redis && typeof redis.nodes === 'function'
  const nodes = clustered ? redis.nodes('master') : [redis]
  for (const node of nodes) {
    if (!('scanStream' in node)) continue
    const stream = node.scanStream({ match: `${prefix}:*${queue}*`, count: 500 })
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length === 0) continue
      // On a Cluster the keys of one batch may sit in different slots: one key per command.
      if (clustered) for (const key of keys) await node.unlink(key)
      else await node.unlink(...keys)
    }
  }
}

/**
 * The tasks suite: how many no-op tasks per second a worker (concurrency 8) drains from a queue on
 * the configured backend (BullMQ with Redis, in-process without). The queue is its own
 * (`<tasks.queue>-bench-<id>`), so workers of a running service never see the tasks, and its
 * keys are removed afterwards.
 */
export const tasksSuite: SuiteDefinition = {
  suite: 'tasks',
  steps: ['drain-noop'],
  async run(context): Promise<SuiteOutcome> {
    if (!context.config.tasks.enabled)
      return skipSuite(this, context, 'the task queue is disabled (tasks.enabled: false)')
    const redis = hasRedis(context.config)
    const queue = `${context.config.tasks.queue}-bench-${context.runId}`.slice(0, 100)
    const base = onlyComponents(context.config, { tasks: true })
    const optimizer = await context.startOptimizer({
      ...base,
      tasks: {
        ...base.tasks,
        queue,
        worker: true,
        concurrency: { min: CONCURRENCY, max: CONCURRENCY },
      },
    })
    const tasks = optimizer.tasks!
    const total = redis ? 2000 : 20_000
    const results: BenchResult[] = []
    const notes: string[] = []
    context.progress.step(`tasks drain-noop (${redis ? 'BullMQ' : 'in-process'})`)
    try {
      let completed = 0
      let failed = 0
      const done = new Promise<void>((resolve) => {
        const finish = () => {
          if (completed + failed >= total) resolve()
        }
        tasks.on('completed', () => {
          completed += 1
          if (completed % 100 === 0) context.progress.update(completed / total)
          finish()
        })
        tasks.on('failed', (event) => {
          if (event.final) failed += 1
          finish()
        })
      })
      tasks.define(TASK, () => undefined)
      const started = performance.now()
      for (let index = 0; index < total; index += 500) {
        const batch = Array.from({ length: Math.min(500, total - index) }, () => ({
          name: TASK,
          data: {},
        }))
        await tasks.enqueueMany(batch)
      }
      // A ceiling: the suite must end even if the queue stalls.
      const ceiling = Math.max(10_000, context.durationMs * 8)
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        done,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, ceiling))),
      ])
      clearTimeout(timer)
      const elapsed = (performance.now() - started) / 1000
      if (completed + failed < total)
        notes.push(
          `tasks drain-noop: only ${completed} of ${total} tasks finished within ${ceiling / 1000} s`,
        )
      if (failed > 0) notes.push(`tasks drain-noop: ${failed} tasks failed`)
      results.push({
        suite: 'tasks',
        name: 'drain-noop',
        unit: 'tasks/s',
        value: completed / elapsed,
        higherIsBetter: true,
      })
    } finally {
      // The queue first: closing flushes its last counts into Redis, which must go too.
      await tasks.close({ timeout: 5000 }).catch(() => {})
      if (redis)
        await removeQueueKeys(optimizer, context.config.redis.prefix, queue).catch(() => {})
      await optimizer.stop({ timeout: 5000 })
    }
    return { results, notes, beforeAfter: [] }
  },
}
