// Records the traces the forecast backtest replays: real bytes written to a file, a real heap
// leaking in a child process until V8 kills it, a real task queue whose producer outruns its
// worker and then slows down. Each trace samples once a second, like the optimizer, and notes
// when the resource truly ran out (or the backlog truly drained).
import { spawn } from 'node:child_process'
import { open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { seededRandom } from '@bi-perf/bench'
import { createTaskQueue } from '@bi-perf/tasks'

const MiB = 1024 * 1024
const SAMPLE_MS = 1_000

/** One recorded series and when its resource ran out. */
export interface Trace {
  name: string
  resource: 'heap' | 'disk' | 'tasks.backlog'
  /** What was done, for the report. */
  description: string
  unit: 'bytes' | 'tasks'
  /** The exhaustion value: bytes for heap and disk; `0` (empty) for a draining backlog. */
  limit: number
  /** `'up'`: exhaustion is reaching `limit` from below; `'down'`: draining to it from above. */
  direction: 'up' | 'down'
  /** Milliseconds from the first point to the true exhaustion (or drain). */
  exhaustedAtMs: number
  /** Fit the lower envelope (heap). */
  envelope: boolean
  /** Forecasts are made only from this time on (the drain phase of a backlog). */
  evaluateFromMs: number
  /** `[ms since the first point, value]`, once a second. */
  points: [number, number][]
}

/**
 * Fills a file in the temporary directory until it holds a 200 MiB quota: "full" is the quota,
 * never the real disk. The rate varies: ±50 % jitter every 250 ms around 0.5 MiB/s, stepping up
 * to 0.75 MiB/s after 90 s. Usage is the file's allocated blocks (what `df` would add), read by
 * `stat`, so other processes' writes do not blur the truth.
 */
export async function recordDiskFill(): Promise<Trace> {
  const quota = 200 * MiB
  const path = join(tmpdir(), `bi-perf-forecast-disk-${process.pid}.bin`)
  const file = await open(path, 'w')
  const next = seededRandom(1)
  const chunk = Buffer.alloc(MiB, 0x5a)
  const points: [number, number][] = []
  const start = Date.now()
  let nextSample = start
  let written = 0
  try {
    for (;;) {
      const now = Date.now()
      if (now >= nextSample) {
        const allocated = (await stat(path)).blocks * 512
        points.push([now - start, allocated])
        nextSample += SAMPLE_MS
        if (allocated >= quota) return diskTrace(points, quota, now - start)
      }
      const rate = (now - start < 90_000 ? 0.5 : 0.75) * MiB * (0.5 + next())
      const bytes = Math.round(rate / 4)
      await file.write(chunk.subarray(0, Math.min(bytes, MiB)), 0, undefined, written)
      written += Math.min(bytes, MiB)
      await file.datasync()
      await sleep(250)
    }
  } finally {
    await file.close()
    await rm(path, { force: true })
  }
}

function diskTrace(points: [number, number][], quota: number, exhaustedAtMs: number): Trace {
  return {
    name: 'disk-fill',
    resource: 'disk',
    description: 'a file in os.tmpdir() filled to a 200 MiB quota at 0.5 then 0.75 MiB/s ±50 %',
    unit: 'bytes',
    limit: quota,
    direction: 'up',
    exhaustedAtMs,
    envelope: false,
    evaluateFromMs: 0,
    points,
  }
}

/**
 * The leaking child: retains ~200 KiB/s of arrays (small integers, on the heap and never shared,
 * unlike strings V8 may share or Buffers that live outside it), churns 20 MiB/s of garbage,
 * reports its heap once a second.
 */
const LEAK_CHILD = `
const v8 = require('node:v8')
const kept = []
let n = 0
process.send({ limit: v8.getHeapStatistics().heap_size_limit })
setInterval(() => {
  for (let i = 0; i < 4; i++) kept.push(Array.from({ length: 256 }, (_, j) => (n++ + j) & 0xffff))
  let garbage = []
  for (let i = 0; i < 2000; i++) garbage.push({ i, s: 'g'.repeat(900) + i })
  garbage = null
}, 100)
setInterval(() => process.send({ used: v8.getHeapStatistics().used_heap_size }), ${SAMPLE_MS})
`

/**
 * Leaks a heap in a child started with `--max-old-space-size=48` until V8 aborts it. The limit is
 * V8's `heap_size_limit`, what the optimizer forecasts against by default; the truth is the
 * child's death.
 */
export async function recordHeapLeak(): Promise<Trace> {
  const child = spawn(process.execPath, ['--max-old-space-size=48', '-e', LEAK_CHILD], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  })
  const points: [number, number][] = []
  let limit = 0
  const start = Date.now()
  child.on('message', (message: { limit?: number; used?: number }) => {
    if (message.limit !== undefined) limit = message.limit
    if (message.used !== undefined) points.push([Date.now() - start, message.used])
  })
  await new Promise((resolve) => child.once('exit', resolve))
  return {
    name: 'heap-leak',
    resource: 'heap',
    description:
      'a child (--max-old-space-size=48) retaining ~200 KiB/s amid 20 MiB/s of garbage until V8 aborts it',
    unit: 'bytes',
    limit,
    direction: 'up',
    exhaustedAtMs: Date.now() - start,
    envelope: true,
    evaluateFromMs: 0,
    points,
  }
}

/**
 * An in-process task queue with one worker (tasks take 60–140 ms): for 150 s a producer adds
 * ~14 tasks/s, faster than the ~10/s the worker finishes, then it slows to ~7/s and the backlog
 * drains. The truth is when the backlog first reads 0 after the slowdown.
 */
export async function recordBacklog(): Promise<Trace> {
  const next = seededRandom(3)
  const tasks = createTaskQueue({
    name: `forecast-backtest-${process.pid}`,
    concurrency: { min: 1, max: 1 },
  })
  tasks.define('work', async () => {
    await sleep(60 + next() * 80)
  })
  const points: [number, number][] = []
  const start = Date.now()
  const growForMs = 150_000
  let producing = true
  const producer = (async () => {
    while (producing) {
      const perSecond = Date.now() - start < growForMs ? 14 : 7
      await tasks.enqueue('work', {})
      await sleep((1_000 / perSecond) * (0.5 + next()))
    }
  })()
  try {
    for (;;) {
      await sleep(SAMPLE_MS - ((Date.now() - start) % SAMPLE_MS))
      const backlog = (await tasks.status()).counts.backlog
      const at = Date.now() - start
      points.push([at, backlog])
      if (at > growForMs + 5_000 && backlog === 0) {
        return {
          name: 'backlog-drain',
          resource: 'tasks.backlog',
          description:
            'an in-process queue, one worker (~10 tasks/s): ~14 tasks/s arrive for 150 s, then ~7/s',
          unit: 'tasks',
          limit: 0,
          direction: 'down',
          exhaustedAtMs: at,
          envelope: false,
          evaluateFromMs: growForMs,
          points,
        }
      }
    }
  } finally {
    producing = false
    await producer
    await tasks.close({ timeout: 5_000 })
  }
}
