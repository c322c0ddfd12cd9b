import { describe, expect, it } from 'vitest'
import { SharedFlights } from './flights.js'

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => (resolve = done))
  return { promise, resolve }
}

describe('SharedFlights', () => {
  it('runs one operation for concurrent callers of a key and a new one afterwards', async () => {
    const flights = new SharedFlights<number>()
    let starts = 0
    let joins = 0
    const gate = deferred<number>()
    const start = () => {
      starts++
      return gate.promise
    }
    const calls = [1, 2, 3].map(() => flights.run('k', undefined, start, () => joins++))
    gate.resolve(7)
    expect(await Promise.all(calls)).toEqual([7, 7, 7])
    expect([starts, joins]).toEqual([1, 2])
    await flights.run('k', undefined, () => Promise.resolve(8))
    expect(starts).toBe(1)
  })

  it('rejects only the caller whose signal aborts while others keep waiting', async () => {
    const flights = new SharedFlights<string>()
    const gate = deferred<string>()
    let operationSignal: AbortSignal | undefined
    const start = (signal: () => AbortSignal) => {
      operationSignal = signal()
      return gate.promise
    }
    const leaving = new AbortController()
    const first = flights.run('k', leaving.signal, start)
    const second = flights.run('k', new AbortController().signal, start)
    leaving.abort(new Error('left'))
    await expect(first).rejects.toThrow('left')
    expect(operationSignal?.aborted).toBe(false)
    gate.resolve('done')
    expect(await second).toBe('done')
  })

  it('aborts the operation when every caller has left, and starts afresh for the next', async () => {
    const flights = new SharedFlights<string>()
    const signals: AbortSignal[] = []
    const start = (flightSignal: () => AbortSignal) => {
      const signal = flightSignal()
      signals.push(signal)
      return new Promise<string>((_resolve, reject) =>
        signal.addEventListener('abort', () =>
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')),
        ),
      )
    }
    const controllers = [new AbortController(), new AbortController()]
    const calls = controllers.map((controller) => flights.run('k', controller.signal, start))
    for (const controller of controllers) controller.abort(new Error('bye'))
    await Promise.allSettled(calls)
    await new Promise((resolve) => setImmediate(resolve))
    expect(signals[0]?.aborted).toBe(true)
    const next = flights.run('k', undefined, () => Promise.resolve('fresh'))
    expect(await next).toBe('fresh')
  })

  it('rejects at once a caller whose signal is already aborted', async () => {
    const flights = new SharedFlights<string>()
    const reason = new Error('too late')
    await expect(
      flights.run('k', AbortSignal.abort(reason), () => new Promise<string>(() => undefined)),
    ).rejects.toBe(reason)
  })
})
