import { BatchChunkError } from './errors.js'
import { InvalidArgumentError, InvalidOptionError } from './errors.js'
import { read } from './option-reader.js'

/** What {@link batch} reports after every chunk that finishes or fails. */
export interface BatchProgress {
  /** Items in chunks that have completed. */
  done: number
  /** Items in all, when the input says (an array, `Set` or `Map`); `undefined` for iterables. */
  total: number | undefined
  /** Chunks that have completed. */
  chunks: number
  /** Chunks that have failed (the first failure stops the run; chunks running then may follow). */
  failed: number
}

/** What the chunk function is given besides the chunk. */
export interface BatchChunkInfo {
  /** The chunk's position, 0-based, in input order. */
  index: number
  /** Aborts when the run stops: another chunk failed or the caller's signal aborted. */
  signal: AbortSignal
}

/** Options of {@link batch}. */
export interface BatchOptions {
  /** Items per chunk (the last chunk may be smaller). A positive integer; no default. */
  size: number
  /**
   * Chunks processed at the same time.
   * @default 1
   */
  concurrency?: number
  /**
   * Stops the run: no new chunk starts, running ones see their `signal` abort, and the promise
   * rejects with the signal's reason.
   * @default undefined
   */
  signal?: AbortSignal
  /**
   * Called after every chunk that completes or fails. An exception thrown here stops the run and
   * becomes its rejection.
   * @default undefined
   */
  onProgress?: (progress: BatchProgress) => void
}

/**
 * Processes items in chunks of `size`, at most `concurrency` chunks at a time, and resolves to the
 * chunk results in input order. Async iterables (database cursors, streams) are read as chunks
 * are needed, never all at once. The first failing chunk stops the run: the `signal` of running
 * chunks aborts, no new chunk starts, and once running chunks have settled the promise rejects
 * with a `BatchChunkError` (code `E_CORE_BATCH_CHUNK_FAILED`) carrying `chunkIndex` and the
 * chunk's error as `cause`. When the promise settles, no chunk function is still running.
 *
 * @example
 * const inserted = await batch(rows, (chunk, { signal }) => db.insertMany('sales', chunk, { signal }), {
 *   size: 500,
 *   concurrency: 4,
 *   onProgress: ({ done, total }) => console.log(`${done}/${total}`),
 * })
 */
export async function batch<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  fn: (chunk: T[], info: BatchChunkInfo) => Promise<R>,
  options: BatchOptions,
): Promise<R[]> {
  const { size, concurrency, signal } = validate(items, fn, options)
  signal?.throwIfAborted()
  const onProgress = options.onProgress
  const progress: BatchProgress = { done: 0, total: knownSize(items), chunks: 0, failed: 0 }
  const results: R[] = []
  const controller = new AbortController()
  const stop = controller.signal
  let failure: { error: unknown } | undefined
  const fail = (error: unknown) => {
    failure ??= { error }
    controller.abort(failure.error)
  }
  const abortFromCaller = () => controller.abort(signal?.reason)
  signal?.addEventListener('abort', abortFromCaller, { once: true })
  const source = chunksOf(items, size)
  const stopped = new Promise<IteratorResult<never>>((resolve) =>
    stop.addEventListener('abort', () => resolve({ done: true, value: undefined }), {
      once: true,
    }),
  )
  const report = () => {
    try {
      onProgress?.({ ...progress })
    } catch (error) {
      fail(error)
    }
  }

  const worker = async () => {
    while (!stop.aborted) {
      let next: IteratorResult<Chunk<T>>
      try {
        // A slow source must not hold the run open after it stopped.
        next = await Promise.race([source.next(), stopped])
      } catch (error) {
        fail(error)
        return
      }
      if (next.done || stop.aborted) return
      const { index, chunk } = next.value
      try {
        results[index] = await fn(chunk, { index, signal: stop })
      } catch (error) {
        progress.failed++
        fail(new BatchChunkError(index, error))
        report()
        return
      }
      progress.done += chunk.length
      progress.chunks++
      report()
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, worker))
  } finally {
    signal?.removeEventListener('abort', abortFromCaller)
    // Closes the caller's iterator (a cursor, a stream) when the run stopped early. Not awaited:
    // a pull may still be pending on a source that never answers.
    source.return(undefined).catch(() => undefined)
  }
  if (failure) throw failure.error
  if (stop.aborted) throw stop.reason
  return results
}

interface Chunk<T> {
  index: number
  chunk: T[]
}

/** Groups items into chunks; concurrent `next()` calls queue inside the generator. */
async function* chunksOf<T>(
  items: Iterable<T> | AsyncIterable<T>,
  size: number,
): AsyncGenerator<Chunk<T>, void, undefined> {
  let index = 0
  let chunk: T[] = []
  // A sync iterable is walked with for...of: for await would also await items that are promises.
  if (Symbol.asyncIterator in items) {
    for await (const item of items) {
      chunk.push(item)
      if (chunk.length === size) {
        yield { index: index++, chunk }
        chunk = []
      }
    }
  } else {
    for (const item of items) {
      chunk.push(item)
      if (chunk.length === size) {
        yield { index: index++, chunk }
        chunk = []
      }
    }
  }
  if (chunk.length > 0) yield { index, chunk }
}

function knownSize(items: unknown): number | undefined {
  if (Array.isArray(items)) return items.length
  if (items instanceof Set || items instanceof Map) return items.size
  return undefined
}

function validate(items: unknown, fn: unknown, options: BatchOptions | undefined) {
  if (
    items === null ||
    typeof items !== 'object' ||
    !(Symbol.iterator in items || Symbol.asyncIterator in items)
  ) {
    throw new InvalidArgumentError('items', items, 'must be an iterable or an async iterable')
  }
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError('fn', fn, 'must be a function processing one chunk')
  }
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', options, 'must be an object with at least { size }')
  }
  const { concurrency: givenConcurrency = 1, signal } = options
  const size = read.count('options.size', options.size)
  const concurrency = read.count('options.concurrency', givenConcurrency)
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError('options.signal', signal, 'must be an AbortSignal')
  }
  return { size, concurrency, signal }
}
