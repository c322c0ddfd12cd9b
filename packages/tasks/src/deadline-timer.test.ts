import { waitFor } from '@bi-perf/test-services'
import { describe, expect, it } from 'vitest'
import { DeadlineTimer } from './deadline-timer.js'

function entry(timeout: number, expired: string[], label: string) {
  return { deadline: Date.now() + timeout, expire: () => expired.push(label) }
}

describe('DeadlineTimer', () => {
  it('expires entries past their deadline, across groups of different timeouts', async () => {
    const timer = new DeadlineTimer()
    const expired: string[] = []
    timer.watch(entry(30, expired, 'short'), 30)
    timer.watch(entry(60, expired, 'long'), 60)
    await waitFor(() => expired.length === 2)
    expect(expired).toEqual(['short', 'long'])
    timer.close()
  })

  it('never expires an entry that was unwatched in time', async () => {
    const timer = new DeadlineTimer()
    const expired: string[] = []
    const finished = entry(20, expired, 'finished')
    timer.watch(finished, 20)
    timer.watch(entry(40, expired, 'late'), 40)
    timer.unwatch(finished, 20)
    await waitFor(() => expired.length === 1)
    expect(expired).toEqual(['late'])
    timer.close()
  })

  it('arms for an earlier deadline that arrives after a later one', async () => {
    const timer = new DeadlineTimer()
    const expired: string[] = []
    timer.watch(entry(60_000, expired, 'minute'), 60_000)
    timer.watch(entry(20, expired, 'soon'), 20)
    await waitFor(() => expired.length === 1)
    expect(expired).toEqual(['soon'])
    timer.close()
  })

  it('expires nothing after close()', async () => {
    const timer = new DeadlineTimer()
    const expired: string[] = []
    timer.watch(entry(10, expired, 'closed'), 10)
    timer.close()
    const control: string[] = []
    const other = new DeadlineTimer()
    other.watch(entry(30, control, 'control'), 30)
    await waitFor(() => control.length === 1)
    expect(expired).toEqual([])
    other.close()
  })
})
