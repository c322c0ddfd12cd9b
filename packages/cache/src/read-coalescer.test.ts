import { describe, expect, it } from 'vitest'
import { ReadCoalescer } from './read-coalescer.js'

/** A reader that records each batch it gets and answers `value:<key>`. */
function recordingReader() {
  const batches: string[][] = []
  const read = (keys: string[]) => {
    batches.push(keys)
    return Promise.resolve(keys.map((key) => `value:${key}`))
  }
  const readOne = (key: string) => {
    batches.push([key])
    return Promise.resolve(`one:${key}`)
  }
  return { batches, read, readOne }
}

describe('read coalescer', () => {
  it('sends the reads of one tick as one batch and hands each caller its own result', async () => {
    const { batches, read, readOne } = recordingReader()
    const reads = new ReadCoalescer(read, readOne, 'failed', { window: 0, maxBatch: 256 })
    const results = await Promise.all(['a', 'b', 'c'].map((key) => reads.get(key)))
    expect(results).toEqual(['value:a', 'value:b', 'value:c'])
    expect(batches).toEqual([['a', 'b', 'c']])
  })

  it('lets callers that reach it after awaiting a promise join the same batch', async () => {
    const { batches, read, readOne } = recordingReader()
    const reads = new ReadCoalescer(read, readOne, 'failed', { window: 0, maxBatch: 256 })
    const late = async (key: string) => {
      await Promise.resolve()
      await Promise.resolve()
      return reads.get(key)
    }
    await Promise.all([reads.get('a'), late('b'), late('c')])
    expect(batches).toEqual([['a', 'b', 'c']])
  })

  it('reads a batch of one key with the single-key reader', async () => {
    const { batches, read, readOne } = recordingReader()
    const reads = new ReadCoalescer(read, readOne, 'failed', { window: 0, maxBatch: 256 })
    expect(await reads.get('a')).toBe('one:a')
    expect(batches).toEqual([['a']])
  })

  it('caps batches at maxBatch keys', async () => {
    const { batches, read, readOne } = recordingReader()
    const reads = new ReadCoalescer(read, readOne, 'failed', { window: 0, maxBatch: 4 })
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`)
    expect(await Promise.all(keys.map((key) => reads.get(key)))).toEqual(
      keys.map((key) => `value:${key}`),
    )
    expect(batches.map((batch) => batch.length)).toEqual([4, 4, 2])
  })

  it('waits for the window before sending when one is set', async () => {
    const { batches, read, readOne } = recordingReader()
    const reads = new ReadCoalescer(read, readOne, 'failed', { window: 1, maxBatch: 256 })
    const first = reads.get('a')
    await new Promise((resolve) => process.nextTick(resolve))
    const second = reads.get('b')
    expect(await Promise.all([first, second])).toEqual(['value:a', 'value:b'])
    expect(batches).toEqual([['a', 'b']])
  })

  it('resolves every caller with the fallback when the reader rejects', async () => {
    const boom = () => Promise.reject(new Error('boom'))
    const reads = new ReadCoalescer(boom, boom, 'failed', { window: 0, maxBatch: 256 })
    expect(await Promise.all([reads.get('a'), reads.get('b')])).toEqual(['failed', 'failed'])
    expect(await reads.get('c')).toBe('failed')
  })

  it('sends queued reads at once on flush()', async () => {
    const { batches, read, readOne } = recordingReader()
    const reads = new ReadCoalescer(read, readOne, 'failed', { window: 1, maxBatch: 256 })
    const pending = reads.get('a')
    reads.flush()
    expect(batches).toEqual([['a']])
    expect(await pending).toBe('one:a')
  })
})
