import { describe, expect, it } from 'vitest'
import { EnqueueBatcher } from './enqueue-batcher.js'
import { EnqueueUncertainError, TasksUnavailableError } from './errors.js'
import type { PreparedTask } from './validate.js'

function task(id: string): PreparedTask {
  return { name: 't', json: '{}', priority: 'normal', delay: 0, id }
}

/** A store that records each send and answers with `answer`. */
function store(answer: (tasks: PreparedTask[]) => Promise<string[]>) {
  const sends: { ids: string[]; deadline: number }[] = []
  const send = (tasks: PreparedTask[], deadline: number) => {
    sends.push({ ids: tasks.map((one) => one.id), deadline })
    return answer(tasks)
  }
  return { sends, send }
}

const echo = (tasks: PreparedTask[]) => Promise.resolve(tasks.map((one) => one.id))

/** Two callers in one tick, `a` then `b` and `c`, whose batch fails: what each was rejected with. */
async function rejectionsOfTwoCallers(send: ReturnType<typeof store>['send']) {
  const batcher = new EnqueueBatcher(send, 500)
  const outcomes = await Promise.allSettled([
    batcher.add([task('a')]),
    batcher.add([task('b'), task('c')]),
  ])
  return outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason as unknown)
}

describe('EnqueueBatcher', () => {
  it('sends the calls of one tick as one batch and gives each caller its own ids', async () => {
    const { sends, send } = store(echo)
    const batcher = new EnqueueBatcher(send, 500)
    const results = await Promise.all([
      batcher.add([task('a')]),
      batcher.add([task('b'), task('c')]),
      batcher.add([task('d')]),
    ])
    expect(results).toEqual([['a'], ['b', 'c'], ['d']])
    expect(sends.map((one) => one.ids)).toEqual([['a', 'b', 'c', 'd']])
  })

  it('gathers calls made across awaits of the same tick', async () => {
    const { sends, send } = store(echo)
    const batcher = new EnqueueBatcher(send, 500)
    const producer = async (id: string, depth: number) => {
      for (let hop = 0; hop < depth; hop++) await Promise.resolve()
      return batcher.add([task(id)])
    }
    await Promise.all([producer('a', 0), producer('b', 3), producer('c', 10)])
    expect(sends.map((one) => one.ids)).toEqual([['a', 'b', 'c']])
  })

  it('sends a lone call as it is', async () => {
    const { sends, send } = store(echo)
    const batcher = new EnqueueBatcher(send, 500)
    expect(await batcher.add([task('a')])).toEqual(['a'])
    expect(await batcher.add([task('b')])).toEqual(['b'])
    expect(sends.map((one) => one.ids)).toEqual([['a'], ['b']])
  })

  it('gives every caller of a failed batch the outage error with only its own ids', async () => {
    const { send } = store(() =>
      Promise.reject(new EnqueueUncertainError('enqueue', ['a', 'b', 'c'], 'it timed out', 250)),
    )
    const errors = await rejectionsOfTwoCallers(send)
    expect(errors[0]).toBeInstanceOf(EnqueueUncertainError)
    expect(errors[0]).toMatchObject({ taskIds: ['a'], reason: 'it timed out', retryAfterMs: 250 })
    expect(errors[1]).toMatchObject({ taskIds: ['b', 'c'], code: 'E_TASKS_ENQUEUE_UNCERTAIN' })
  })

  it('keeps an unavailable batch unavailable for each caller', async () => {
    const { send } = store(() =>
      Promise.reject(new TasksUnavailableError('enqueue', ['a', 'b'], 'Redis is away', 100)),
    )
    const batcher = new EnqueueBatcher(send, 500)
    const outcomes = await Promise.allSettled([batcher.add([task('a')]), batcher.add([task('b')])])
    for (const [index, outcome] of outcomes.entries()) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(TasksUnavailableError)
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        taskIds: [['a'], ['b']][index],
      })
    }
  })

  it('sends each call again on its own when the batch fails for one task, so only its call fails', async () => {
    const refused = new Error('bad task b')
    const { sends, send } = store((tasks) =>
      tasks.some((one) => one.id === 'b') ? Promise.reject(refused) : echo(tasks),
    )
    const batcher = new EnqueueBatcher(send, 500)
    const outcomes = await Promise.allSettled([
      batcher.add([task('a')]),
      batcher.add([task('b')]),
      batcher.add([task('c'), task('d')]),
    ])
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: ['a'] })
    expect(outcomes[1]).toEqual({ status: 'rejected', reason: refused })
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: ['c', 'd'] })
    expect(sends.map((one) => one.ids)).toEqual([['a', 'b', 'c', 'd'], ['a'], ['b'], ['c', 'd']])
  })

  it('tells every caller of a batch that Redis answered with a script error that its tasks are uncertain', async () => {
    const reply = Object.assign(new Error('WRONGTYPE Operation against a key'), {
      name: 'ReplyError',
    })
    const { sends, send } = store(() => Promise.reject(reply))
    const errors = await rejectionsOfTwoCallers(send)
    expect(sends).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(EnqueueUncertainError)
    expect(errors[0]).toMatchObject({ taskIds: ['a'], cause: reply })
    expect(errors[1]).toMatchObject({ taskIds: ['b', 'c'] })
    expect((errors[1] as EnqueueUncertainError).reason).toMatch(/WRONGTYPE/)
  })

  it("passes each call's own deadline, and the batch the earliest", async () => {
    const { sends, send } = store(() => Promise.reject(new Error('one bad task')))
    const batcher = new EnqueueBatcher(send, 500)
    const before = Date.now()
    await Promise.allSettled([batcher.add([task('a')]), batcher.add([task('b')])])
    const [batch, first, second] = sends
    expect(batch!.deadline).toBeGreaterThanOrEqual(before + 500)
    expect(batch!.deadline).toBe(first!.deadline)
    expect(second!.deadline).toBeGreaterThanOrEqual(first!.deadline)
  })
})
