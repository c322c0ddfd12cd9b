import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HostRateLimiter } from './rate-limiter.js'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
})

afterEach(() => {
  vi.useRealTimers()
})

/** Which of the promises have resolved so far. */
async function resolved(promises: Promise<unknown>[]) {
  const flags = promises.map(() => false)
  promises.forEach((promise, index) => void promise.then(() => (flags[index] = true)))
  await vi.advanceTimersByTimeAsync(0)
  return flags
}

describe('HostRateLimiter', () => {
  it('lets the first request through and spaces the next by 1000 / rps ms', async () => {
    const limiter = new HostRateLimiter(5, 1)
    const calls = [0, 1, 2].map(() => limiter.acquire('a.example'))
    expect(await resolved(calls)).toEqual([true, false, false])
    await vi.advanceTimersByTimeAsync(199)
    expect(await resolved(calls)).toEqual([true, false, false])
    await vi.advanceTimersByTimeAsync(1)
    expect(await resolved(calls)).toEqual([true, true, false])
    await vi.advanceTimersByTimeAsync(200)
    expect(await Promise.all(calls)).toEqual([0, 200, 400])
  })

  it('keeps hosts apart', async () => {
    const limiter = new HostRateLimiter(1, 1)
    await limiter.acquire('a.example')
    expect(await resolved([limiter.acquire('b.example')])).toEqual([true])
  })

  it('lets a burst through at once after a quiet period', async () => {
    const limiter = new HostRateLimiter(10, 3)
    const calls = [0, 1, 2, 3].map(() => limiter.acquire('a.example'))
    expect(await resolved(calls)).toEqual([true, true, true, false])
    await vi.advanceTimersByTimeAsync(100)
    expect(await Promise.all(calls)).toEqual([0, 0, 0, 100])
  })

  it('removes an aborted waiter without using its turn', async () => {
    const limiter = new HostRateLimiter(10, 1)
    await limiter.acquire('a.example')
    const controller = new AbortController()
    const leaving = limiter.acquire('a.example', controller.signal)
    const staying = limiter.acquire('a.example')
    const reason = new Error('gone')
    controller.abort(reason)
    await expect(leaving).rejects.toBe(reason)
    await vi.advanceTimersByTimeAsync(100)
    expect(await staying).toBe(100)
  })

  it('rejects queued waiters on close', async () => {
    const limiter = new HostRateLimiter(1, 1)
    await limiter.acquire('a.example')
    const queued = limiter.acquire('a.example')
    limiter.close()
    await expect(queued).rejects.toThrow('closed')
    await expect(limiter.acquire('a.example')).rejects.toThrow('closed')
  })
})
