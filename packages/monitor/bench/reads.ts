import { once } from 'node:events'
import { createRequire } from 'node:module'
import { measure, report } from '@bi-perf/bench'
import { createMonitor, type Monitor, type MonitorSnapshot } from '@bi-perf/monitor'
import { collectDefaultMetrics, Registry } from 'prom-client'
import type * as SystemInformationModule from 'systeminformation'

type SystemInformation = typeof SystemInformationModule

/**
 * The next snapshot. The monitor's timer is unref'd, so something ref'd must hold the process
 * open meanwhile (otherwise the top-level await would end the run).
 */
async function nextSample(monitor: Monitor): Promise<MonitorSnapshot> {
  const keepAlive = setInterval(() => {}, 1000)
  try {
    const [snapshot] = (await once(monitor, 'sample')) as [MonitorSnapshot]
    return snapshot
  } finally {
    clearInterval(keepAlive)
  }
}

/**
 * `latest()` is a read of the last sample: compared with `process.memoryUsage()` (one cheap
 * built-in) and with a fresh systeminformation collection, what a monitor that collects on
 * demand would pay.
 */
export async function latestBench(): Promise<{ text: string; opsPerSec: number }> {
  const monitor = createMonitor({ interval: '1s' }).start()
  await nextSample(monitor)
  const si = createRequire(import.meta.url)('systeminformation') as SystemInformation
  let sink = 0
  const results = await measure([
    {
      name: 'monitor.latest()',
      fn: () => {
        sink += monitor.latest()!.timestamp
      },
    },
    {
      name: 'process.memoryUsage() (for scale)',
      fn: () => {
        sink += process.memoryUsage().rss
      },
    },
    {
      // si.currentLoad() would look fast here: it answers from a cache for 200 ms after a call.
      name: 'si.mem() (a fresh systeminformation call)',
      fn: async () => {
        sink += (await si.mem()).available
      },
    },
  ])
  await monitor.stop()
  if (sink === 0) console.log('(sink)')
  return {
    text: report('Snapshot read: `latest()`', results, ['process.memoryUsage() (for scale)']),
    opsPerSec: results[0]!.opsPerSec,
  }
}

/** The read paths an API or dashboard uses, on a full 10-minute history at 1 s. */
export async function readPathsBench(): Promise<string> {
  const live = createMonitor({ interval: 100 }).start()
  const template = await nextSample(live)
  await live.stop()

  const monitor = createMonitor({ interval: '1s', history: '10m' })
  const start = Date.now() - 600_000
  for (let second = 0; second < 600; second++) {
    monitor.ingest({
      ...template,
      timestamp: start + second * 1000,
      cpu: template.cpu && { ...template.cpu, total: 20 + (second % 30) },
    })
  }
  const ours = new Registry()
  monitor.registerPrometheus(ours)
  const defaults = new Registry()
  collectDefaultMetrics({ register: defaults })
  let sink = 0
  const results = await measure(
    [
      {
        name: "history('cpu.total', '5m') (300 points)",
        fn: () => {
          sink += monitor.history('cpu.total', '5m').length
        },
      },
      {
        name: `summary('5m') (${monitor.metrics().length} metrics × 300 points)`,
        fn: () => {
          sink += Object.keys(monitor.summary('5m')).length
        },
      },
      {
        name: 'scrape: registerPrometheus (ours)',
        fn: async () => {
          sink += (await ours.metrics()).length
        },
      },
      {
        name: 'scrape: prom-client collectDefaultMetrics',
        fn: async () => {
          sink += (await defaults.metrics()).length
        },
      },
    ],
    { time: 500, rounds: 3 },
  )
  if (sink === 0) console.log('(sink)')
  return report('Read paths on a full history', results, [
    'scrape: prom-client collectDefaultMetrics',
  ])
}
