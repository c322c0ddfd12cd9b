import { describe, expect, it } from 'vitest'
import { BatchChunkError } from './errors.js'
import { batch, type BatchProgress } from './batch.js'
import { InvalidArgumentError } from './errors.js'

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

/** A promise with its resolve function, to finish chunks in a chosen order. */
function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => (resolve = done))
  return { promise, resolve }
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('batch', () => {
  it('resolves to chunk results in input order even when chunks finish out of order', async () => {
    const gates = range(4).map(() => deferred())
    const run = batch(
      range(10),
      async (chunk, { index }) => {
        await gates[index]!.promise
        return chunk.join('+')
      },
      { size: 3, concurrency: 4 },
    )
    for (const gate of [...gates].reverse()) {
      gate.resolve()
      await settle()
    }
    expect(await run).toEqual(['0+1+2', '3+4+5', '6+7+8', '9'])
  })

  it('never runs more chunks at once than the concurrency', async () => {
    let running = 0
    let peak = 0
    await batch(
      range(50),
      async () => {
        running++
        peak = Math.max(peak, running)
        await settle()
        running--
      },
      { size: 2, concurrency: 3 },
    )
    expect(peak).toBe(3)
  })

  it('runs one chunk at a time by default', async () => {
    let running = 0
    let peak = 0
    await batch(
      range(9),
      async () => {
        peak = Math.max(peak, ++running)
        await settle()
        running--
      },
      { size: 2 },
    )
    expect(peak).toBe(1)
  })

  it('reports progress after every chunk with the total when it is known', async () => {
    const reports: BatchProgress[] = []
    await batch(new Set(range(5)), (chunk) => Promise.resolve(chunk.length), {
      size: 2,
      onProgress: (progress) => reports.push(progress),
    })
    expect(reports).toEqual([
      { done: 2, total: 5, chunks: 1, failed: 0 },
      { done: 4, total: 5, chunks: 2, failed: 0 },
      { done: 5, total: 5, chunks: 3, failed: 0 },
    ])
  })

  it('stops at the first failure, aborts running chunks and rejects with the chunk index', async () => {
    const started: number[] = []
    const signals: AbortSignal[] = []
    const cause = new Error('insert failed')
    const run = batch(
      range(100),
      async (_chunk, { index, signal }) => {
        started.push(index)
        signals.push(signal)
        if (index === 1) throw cause
        await new Promise((resolve) => signal.addEventListener('abort', resolve))
      },
      { size: 10, concurrency: 2 },
    )
    const error = await run.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(BatchChunkError)
    expect(error).toMatchObject({ code: 'E_CORE_BATCH_CHUNK_FAILED', chunkIndex: 1, cause })
    expect(started).toEqual([0, 1])
    expect(signals.every((signal) => signal.aborted)).toBe(true)
  })

  it('settles only after the running chunks have settled', async () => {
    let finished = false
    const secondStarted = deferred()
    const run = batch(
      range(4),
      async (_chunk, { index, signal }) => {
        if (index === 0) {
          await secondStarted.promise
          throw new Error('fails')
        }
        secondStarted.resolve()
        await new Promise((resolve) => signal.addEventListener('abort', resolve))
        await settle()
        finished = true
      },
      { size: 1, concurrency: 2 },
    )
    await expect(run).rejects.toBeInstanceOf(BatchChunkError)
    expect(finished).toBe(true)
  })

  it('counts failed chunks in progress', async () => {
    const reports: BatchProgress[] = []
    await batch(range(3), () => Promise.reject(new Error('no')), {
      size: 1,
      onProgress: (progress) => reports.push(progress),
    }).catch(() => undefined)
    expect(reports).toEqual([{ done: 0, total: 3, chunks: 0, failed: 1 }])
  })

  it('streams an async iterable, reading only as chunks are needed', async () => {
    let produced = 0
    let closed = false
    async function* rows() {
      try {
        for (let i = 0; i < 1_000_000; i++) {
          produced++
          yield await Promise.resolve(i)
        }
      } finally {
        closed = true
      }
    }
    const controller = new AbortController()
    const seen: number[][] = []
    const run = batch(
      rows(),
      (chunk, { index }) => {
        seen.push(chunk)
        if (index === 2) controller.abort(new Error('enough'))
        return Promise.resolve(chunk.length)
      },
      { size: 4, signal: controller.signal },
    )
    await expect(run).rejects.toThrow('enough')
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ])
    expect(produced).toBeLessThanOrEqual(16)
    await settle()
    expect(closed).toBe(true)
  })

  it('processes a whole async iterable with total unknown', async () => {
    async function* numbers() {
      for (const n of range(7)) yield await Promise.resolve(n)
    }
    const reports: BatchProgress[] = []
    const sums = await batch(
      numbers(),
      (chunk) => Promise.resolve(chunk.reduce((a, b) => a + b, 0)),
      {
        size: 3,
        concurrency: 2,
        onProgress: (progress) => reports.push(progress),
      },
    )
    expect(sums).toEqual([3, 12, 6])
    expect(reports.at(-1)).toEqual({ done: 7, total: undefined, chunks: 3, failed: 0 })
  })

  it('passes items that are promises through untouched', async () => {
    const pending = Promise.resolve(1)
    const [chunk] = await batch([pending], (items) => Promise.resolve(items), { size: 1 })
    expect(chunk![0]).toBe(pending)
  })

  it('rejects with the reason of an already aborted signal without calling fn', async () => {
    let calls = 0
    const reason = new Error('cancelled')
    await expect(
      batch(range(3), () => Promise.resolve(calls++), {
        size: 1,
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason)
    expect(calls).toBe(0)
  })

  it('rejects with the error of a failing source', async () => {
    async function* broken() {
      yield await Promise.resolve(1)
      throw new Error('cursor lost')
    }
    await expect(batch(broken(), (chunk) => Promise.resolve(chunk), { size: 5 })).rejects.toThrow(
      'cursor lost',
    )
  })

  it('stops when onProgress throws', async () => {
    let calls = 0
    const run = batch(range(5), () => Promise.resolve(calls++), {
      size: 1,
      onProgress: () => {
        throw new Error('listener broke')
      },
    })
    await expect(run).rejects.toThrow('listener broke')
    expect(calls).toBe(1)
  })

  it('resolves to an empty array for no items', async () => {
    expect(await batch([], () => Promise.resolve(1), { size: 10 })).toEqual([])
  })

  it('rejects invalid arguments naming them', async () => {
    const fn = () => Promise.resolve(1)
    const cases: [Promise<unknown>, string][] = [
      [batch(range(3), fn, { size: 0 }), 'options.size'],
      [batch(range(3), fn, { size: 1.5 }), 'options.size'],
      [batch(range(3), fn, { size: 1, concurrency: 0 }), 'options.concurrency'],
      [batch(42 as unknown as number[], fn, { size: 1 }), 'items'],
      [batch(range(3), 'nope' as unknown as typeof fn, { size: 1 }), 'fn'],
      [batch(range(3), fn, undefined as unknown as { size: number }), 'options'],
    ]
    for (const [run, argument] of cases) {
      const error = await run.catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(InvalidArgumentError)
      expect(error).toMatchObject({ argument })
    }
  })
})
