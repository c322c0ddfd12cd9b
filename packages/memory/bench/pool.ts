import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import { createPool } from '@bi-perf/memory'
import { measure, report, type Contender } from '@bi-perf/bench'

const ARRAY_LENGTH = 100_000
const BUFFER_BYTES = 64 * 1024
let sink = 0
// Objects stored here escape, so V8's escape analysis cannot optimize the plain allocation away
// (in real code the object is passed on); every contender stores its object the same way.
let escaped: unknown

interface Point {
  id: number
  x: number
  y: number
  label: string
}

/** The pool a user would write by hand: a bare array stack, no checks, no stats. */
function arrayStack<T>(create: () => T, max = 100) {
  const idle: T[] = []
  return {
    acquire: (): T => idle.pop() ?? create(),
    release: (object: T) => {
      if (idle.length < max) idle.push(object)
    },
  }
}

function smallObject(): Contender[] {
  const pool = createPool<Point>({
    create: () => ({ id: 0, x: 0, y: 0, label: '' }),
    reset: (point) => {
      point.label = ''
    },
  })
  const stack = arrayStack<Point>(() => ({ id: 0, x: 0, y: 0, label: '' }))
  let i = 0
  return [
    {
      name: 'plain allocation',
      fn: () => {
        const point: Point = { id: ++i, x: i * 2, y: i * 3, label: 'p' }
        escaped = point
        sink += point.x + point.label.length
      },
    },
    {
      name: 'bi-perf pool',
      fn: () => {
        const point = pool.acquire()
        point.id = ++i
        point.x = i * 2
        point.y = i * 3
        point.label = 'p'
        escaped = point
        sink += point.x + point.label.length
        pool.release(point)
      },
    },
    {
      name: 'hand-written array stack',
      fn: () => {
        const point = stack.acquire()
        point.id = ++i
        point.x = i * 2
        point.y = i * 3
        point.label = 'p'
        escaped = point
        sink += point.x + point.label.length
        stack.release(point)
      },
    },
  ]
}

function buffer64k(): Contender[] {
  // Each use writes 1 KiB and reads a byte, like encoding a frame into a scratch buffer.
  const use = (buffer: Buffer, i: number) => {
    buffer.fill(i & 255, 0, 1024)
    escaped = buffer
    sink += buffer[512]!
  }
  const pool = createPool({ create: () => Buffer.allocUnsafe(BUFFER_BYTES) })
  const zeroing = createPool({
    create: () => Buffer.alloc(BUFFER_BYTES),
    reset: (buffer) => buffer.fill(0),
  })
  const stack = arrayStack(() => Buffer.allocUnsafe(BUFFER_BYTES))
  let i = 0
  return [
    { name: 'Buffer.alloc (zeroed)', fn: () => use(Buffer.alloc(BUFFER_BYTES), ++i) },
    { name: 'Buffer.allocUnsafe', fn: () => use(Buffer.allocUnsafe(BUFFER_BYTES), ++i) },
    {
      name: 'bi-perf pool (no reset)',
      fn: () => {
        const buffer = pool.acquire()
        use(buffer, ++i)
        pool.release(buffer)
      },
    },
    {
      name: 'bi-perf pool (zeroing reset)',
      fn: () => {
        const buffer = zeroing.acquire()
        use(buffer, ++i)
        zeroing.release(buffer)
      },
    },
    {
      name: 'hand-written array stack',
      fn: () => {
        const buffer = stack.acquire()
        use(buffer, ++i)
        stack.release(buffer)
      },
    },
  ]
}

function largeArray(): Contender[] {
  // Both fill all 100k slots: the difference is the allocation and the GC of 800 KB arrays.
  const pool = createPool({ create: () => new Array<number>(ARRAY_LENGTH).fill(0), max: 8 })
  const stack = arrayStack(() => new Array<number>(ARRAY_LENGTH).fill(0), 8)
  let i = 0
  return [
    {
      name: 'plain allocation',
      fn: () => {
        const array = new Array<number>(ARRAY_LENGTH).fill(++i)
        escaped = array
        sink += array[ARRAY_LENGTH - 1]!
      },
    },
    {
      name: 'bi-perf pool',
      fn: () => {
        const array = pool.acquire().fill(++i)
        escaped = array
        sink += array[ARRAY_LENGTH - 1]!
        pool.release(array)
      },
    },
    {
      name: 'hand-written array stack',
      fn: () => {
        const array = stack.acquire().fill(++i)
        escaped = array
        sink += array[ARRAY_LENGTH - 1]!
        stack.release(array)
      },
    },
  ]
}

/**
 * GC work caused by a fixed number of calls of each contender, after a full GC. Node delivers
 * 'gc' entries asynchronously, so the calls run in slices with a yield between them.
 */
async function gcWork(title: string, contenders: Contender[], calls: number): Promise<string> {
  const lines = [
    `#### GC work for ${calls.toLocaleString('en')} calls: ${title}`,
    '',
    '| contender | scavenges | major GCs | GC pause ms |',
    '|---|---|---|---|',
  ]
  for (const contender of contenders) {
    globalThis.gc?.()
    await delay(20)
    const counts = { minor: 0, major: 0, pauseMs: 0 }
    const count = (entries: PerformanceEntry[]) => {
      for (const entry of entries) {
        const kind = (entry as { detail?: { kind: number } }).detail?.kind
        if (kind === constants.NODE_PERFORMANCE_GC_MINOR) counts.minor++
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) counts.major++
        counts.pauseMs += entry.duration
      }
    }
    const observer = new PerformanceObserver((list) => count(list.getEntries()))
    observer.observe({ entryTypes: ['gc'] })
    const slice = Math.max(1, Math.floor(calls / 100))
    for (let call = 0; call < calls; call++) {
      contender.fn()
      if (call % slice === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    await delay(20)
    count(observer.takeRecords())
    observer.disconnect()
    lines.push(
      `| ${contender.name} | ${counts.minor} | ${counts.major} | ${counts.pauseMs.toFixed(1)} |`,
    )
  }
  lines.push('')
  const text = lines.join('\n')
  console.log(text)
  return text
}

/** Pooling against plain allocation for three shapes, with the GC work each causes. */
export async function poolBench(): Promise<string> {
  const sections: string[] = []
  const shapes: [string, () => Contender[], string, number][] = [
    ['small object `{ id, x, y, label }`', smallObject, 'plain allocation', 1_000_000],
    ['64 KiB Buffer, 1 KiB written per use', buffer64k, 'Buffer.alloc (zeroed)', 20_000],
    ['array of 100k numbers, all written per use', largeArray, 'plain allocation', 2_000],
  ]
  for (const [title, make, baseline, calls] of shapes) {
    sections.push(report(`Pool vs allocation: ${title}`, await measure(make()), [baseline]))
    sections.push(await gcWork(title, make(), calls))
  }
  if (sink === 42 && escaped === undefined) console.log('')
  return sections.join('\n')
}
