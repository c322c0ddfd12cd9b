import { PassThrough, Writable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { waitFor } from '@bi-perf/test-services'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogDestination, type LogDestination } from './log-destination.js'

const opened: LogDestination[] = []
afterEach(() => {
  for (const destination of opened.splice(0)) destination.close()
})

function open(options: Parameters<typeof createLogDestination>[0]): LogDestination {
  const destination = createLogDestination(options)
  opened.push(destination)
  return destination
}

/** A 100-character JSON line, numbered. */
function line(index: number): string {
  const head = `{"n":${index},"pad":"`
  return `${head}${'x'.repeat(100 - head.length - 3)}"}\n`
}

/**
 * A pipe whose reader has stalled: a PassThrough nobody reads, with small buffers so it fills
 * after a few lines. `resume()` is the reader catching up; `text()` is what it has read.
 */
function stalledPipe() {
  const pipe = new PassThrough({ highWaterMark: 256 })
  const chunks: string[] = []
  return {
    pipe,
    resume: () => pipe.on('data', (chunk: Buffer) => chunks.push(chunk.toString())),
    text: () => chunks.join(''),
  }
}

/** A stream that takes every write at once and keeps what it was given, write by write. */
function recordingSink() {
  const writes: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString())
      callback()
    },
  })
  return { sink, writes }
}

describe('createLogDestination', () => {
  it('hands lines over in one batch rather than one write per line', async () => {
    const { sink, writes } = recordingSink()
    const destination = open({ stream: sink, maxDelayMs: 60_000 })
    for (let index = 0; index < 10; index++) destination.write(line(index))
    await nextTurn()
    expect(writes).toEqual([])
    expect(await destination.drain(1_000)).toBe(true)
    expect(writes).toEqual([Array.from({ length: 10 }, (_, index) => line(index)).join('')])
  })

  it('writes a batch at most maxDelayMs after its first line', async () => {
    const { sink, writes } = recordingSink()
    const destination = open({ stream: sink, maxDelayMs: 10 })
    destination.write(line(1))
    await waitFor(() => writes.length === 1, { what: 'the batch written by its timer' })
    expect(writes).toEqual([line(1)])
  })

  it('hands a batch over as soon as it reaches 16 KiB', () => {
    const { sink, writes } = recordingSink()
    const destination = open({ stream: sink, maxDelayMs: 60_000 })
    for (let index = 0; index < 164; index++) destination.write(line(index))
    expect(writes).toHaveLength(1)
    expect(writes[0]).toHaveLength(16_400)
  })

  it('drops whole lines beyond the buffer while the reader stalls, and counts them', async () => {
    const { pipe, resume, text } = stalledPipe()
    const destination = open({ stream: pipe, maxBufferBytes: 30_000 })
    for (let index = 0; index < 400; index++) destination.write(line(index))
    const { dropped, bufferedBytes } = destination.stats()
    // 300 lines of 100 fill the 30 000: 164 handed over (16 400, a full batch), 136 pending.
    expect(dropped).toBe(100)
    expect(bufferedBytes).toBe(30_000)
    // Part of it is already the stream's, queued behind the stalled reader.
    expect(pipe.writableLength).toBeGreaterThan(0)

    resume()
    expect(await destination.drain(10_000)).toBe(true)
    const lines = text().trimEnd().split('\n')
    const kept = lines.filter((entry) => entry.startsWith('{"n":'))
    const numbers = kept.map((entry) => (JSON.parse(entry) as { n: number }).n)
    // Every line arrives whole, in order, and every line is either kept or counted.
    expect(kept.map((entry, index) => `${entry}\n` === line(numbers[index]!))).not.toContain(false)
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    expect(kept.length + dropped).toBe(400)
  })

  it('writes one notice with the count once the reader caught up', async () => {
    const { pipe, resume, text } = stalledPipe()
    const destination = open({ stream: pipe, maxBufferBytes: 1_000 })
    for (let index = 0; index < 50; index++) destination.write(line(index))
    const { dropped } = destination.stats()
    expect(dropped).toBeGreaterThan(0)
    expect(text()).not.toContain('dropped')

    resume()
    expect(await destination.drain(10_000)).toBe(true)
    const notices = text()
      .trimEnd()
      .split('\n')
      .map((entry) => JSON.parse(entry) as Record<string, unknown>)
      .filter((entry) => entry['droppedLines'] !== undefined)
    expect(notices).toEqual([
      expect.objectContaining({
        level: 'warn',
        droppedLines: dropped,
        msg: `${dropped} log lines dropped: the reader of the log fell behind`,
      }),
    ])
    // Counted once: after the notice the lines flow again and nothing more is reported.
    destination.write(line(99))
    expect(await destination.drain(10_000)).toBe(true)
    expect(text().endsWith(line(99))).toBe(true)
    expect(destination.stats().dropped).toBe(dropped)
  })

  it('reports a drain that did not finish in time as false', async () => {
    const { pipe } = stalledPipe()
    const destination = open({ stream: pipe })
    for (let index = 0; index < 20; index++) destination.write(line(index))
    expect(await destination.drain(20)).toBe(false)
    expect(destination.stats().bufferedBytes).toBeGreaterThan(0)
  })

  it('counts every line as dropped once the stream failed', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
      },
    })
    const broken = open({ stream: failing })
    broken.write(line(0))
    expect(await broken.drain(1_000)).toBe(false)
    for (let index = 1; index <= 5; index++) broken.write(line(index))
    expect(broken.stats().dropped).toBe(5)
  })

  it('hands pending lines over on close, and writes later lines at once', () => {
    const { sink, writes } = recordingSink()
    const destination = open({ stream: sink })
    destination.write(line(1))
    destination.write(line(2))
    destination.close()
    destination.write(line(3))
    expect(writes).toEqual([line(1) + line(2), line(3)])
  })

  it.each([
    { maxBufferBytes: 0 },
    { maxBufferBytes: 1.5 },
    { maxBufferBytes: Number.NaN },
    { maxDelayMs: -1 },
    { maxDelayMs: Number.POSITIVE_INFINITY },
  ])('rejects %o', (options) => {
    expect(() => createLogDestination({ stream: new PassThrough(), ...options })).toThrow(
      expect.objectContaining({ code: 'E_CORE_INVALID_ARGUMENT' }),
    )
  })
})
