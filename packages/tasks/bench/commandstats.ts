// Redis commands per job, ours beside raw BullMQ, on a private Redis (so no other client's
// commands are counted): `INFO commandstats` before and after draining 10 k no-op tasks (enqueue
// included), divided by the number of tasks.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { OwnedRedis } from '@bi-perf/test-services'
import { ours, rawBullmq } from './throughput.js'

const TASKS = 10_000

async function commandstats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats')
  const calls = new Map<string, number>()
  for (const line of text.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line)
    if (match) calls.set(match[1]!, Number(match[2]))
  }
  return calls
}

async function perJob(redis: Redis, run: () => Promise<number>): Promise<Map<string, number>> {
  const before = await commandstats(redis)
  await run()
  const after = await commandstats(redis)
  const delta = new Map<string, number>()
  for (const [command, calls] of after) {
    const added = calls - (before.get(command) ?? 0)
    // INFO itself, and the clean-up's scans are not per job.
    if (added > 0 && command !== 'info') delta.set(command, added / TASKS)
  }
  return delta
}

/** Commands per job for raw BullMQ (no priority, priority 2) and ours, as a markdown table. */
export async function commandstatsBench(): Promise<string> {
  const server = await OwnedRedis.start()
  const redis = new Redis(server.url)
  const prefix = `bi-perf-bench-${randomUUID().slice(0, 8)}`
  try {
    const contenders: [string, () => Promise<number>][] = [
      ['raw BullMQ', () => rawBullmq(server.url, prefix, undefined, TASKS)],
      ['raw BullMQ, priority 2', () => rawBullmq(server.url, prefix, 2, TASKS)],
      ['@bi-perf/tasks (normal)', () => ours(server.url, prefix, TASKS)],
    ]
    const rows: [string, Map<string, number>][] = []
    // One round first warms scripts (SCRIPT LOAD, EVAL) so they are not counted.
    for (const [, run] of contenders) await run()
    for (const [name, run] of contenders) rows.push([name, await perJob(redis, run)])
    const commands = [...new Set(rows.flatMap(([, delta]) => [...delta.keys()]))].sort()
    const total = (delta: Map<string, number>) => [...delta.values()].reduce((a, b) => a + b, 0)
    const lines = [
      `### Redis commands per job, ${TASKS.toLocaleString('en')} no-op tasks (enqueue, run, drain, clean-up) on a private Redis`,
      '',
      `| command | ${rows.map(([name]) => name).join(' | ')} |`,
      `|---|${rows.map(() => '---').join('|')}|`,
      ...commands.map(
        (command) =>
          `| ${command} | ${rows.map(([, delta]) => (delta.get(command) ?? 0).toFixed(2)).join(' | ')} |`,
      ),
      `| **total** | ${rows.map(([, delta]) => total(delta).toFixed(2)).join(' | ')} |`,
      '',
    ]
    const text = lines.join('\n')
    console.log(text)
    return text
  } finally {
    redis.disconnect()
    await server.stop()
  }
}
