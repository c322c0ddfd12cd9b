import { describe, expect, it } from 'vitest'
import { ConnectionSlots } from './connection-slots.js'

/** Which of the promises have settled so far (after pending callbacks ran). */
async function settled(promises: Promise<unknown>[]) {
  const flags = promises.map(() => false)
  promises.forEach((promise, index) => {
    const mark = () => (flags[index] = true)
    promise.then(mark, mark)
  })
  await new Promise((resolve) => setImmediate(resolve))
  return flags
}

describe('ConnectionSlots', () => {
  it('lets `limit` requests per origin through and hands each released slot to the next in order', async () => {
    const slots = new ConnectionSlots(2)
    const waiting = [0, 1, 2, 3].map(() => slots.acquire('http://a'))
    const other = slots.acquire('http://b')
    expect(await settled([...waiting, other])).toEqual([true, true, false, false, true])
    const release = await waiting[0]!
    release()
    release() // a second release is ignored
    expect(await settled(waiting)).toEqual([true, true, true, false])
    ;(await waiting[1]!)()
    expect(await settled(waiting)).toEqual([true, true, true, true])
  })

  it('removes a waiter whose signal aborts, without giving it a slot', async () => {
    const slots = new ConnectionSlots(1)
    const release = await slots.acquire('http://a')
    const controller = new AbortController()
    const leaving = slots.acquire('http://a', controller.signal)
    const staying = slots.acquire('http://a')
    const reason = new Error('gone')
    controller.abort(reason)
    await expect(leaving).rejects.toBe(reason)
    release()
    expect(await settled([staying])).toEqual([true])
  })

  it('rejects waiting and later requests once closed', async () => {
    const slots = new ConnectionSlots(1)
    await slots.acquire('http://a')
    const waiting = slots.acquire('http://a')
    slots.close()
    await expect(waiting).rejects.toThrow('closed')
    await expect(slots.acquire('http://a')).rejects.toThrow('closed')
  })
})
