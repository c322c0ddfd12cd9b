import { describe, expect, it } from 'vitest'
import { feed } from '../../test/fixtures/metrics-feed.js'
import { tasksConcurrencyAtMax, tasksGrowingBacklog, tasksHighFailureRate } from './tasks-rules.js'

describe('tasks.growing-backlog', () => {
  // 20 more tasks every 30 s: 40 a minute, 280 waiting at the tenth record.
  const growing = (index: number) => ({ tasks: { counts: { backlog: 100 + 20 * index } } })

  it('proposes more concurrency when the backlog keeps growing', () => {
    expect(tasksGrowingBacklog.evaluate(feed(growing))).toMatchObject({
      id: 'tasks.growing-backlog',
      priority: 'high',
      component: 'tasks',
      title: 'Task backlog grows by 40/min over 5m (280 waiting)',
      evidence: { metric: 'tasks.backlog.slopePerMinute', value: 40, threshold: 0, window: '5m' },
      action: 'raise tasks.concurrency.max from 10 to 20, or add worker processes',
    })
  })

  it('proposes worker processes when this process only enqueues', () => {
    const ctx = feed((index) => ({
      tasks: { ...growing(index).tasks, worker: false, concurrency: 0 },
    }))
    expect(tasksGrowingBacklog.evaluate(ctx)?.action).toBe(
      'start worker processes for queue "jobs" (this process only enqueues)',
    )
  })

  it('stays silent on a small or shrinking backlog, and on too little data', () => {
    const small = (index: number) => ({ tasks: { counts: { backlog: 10 + 5 * index } } })
    const shrinking = (index: number) => ({ tasks: { counts: { backlog: 500 - 20 * index } } })
    expect(tasksGrowingBacklog.evaluate(feed(small))).toBeUndefined()
    expect(tasksGrowingBacklog.evaluate(feed(shrinking))).toBeUndefined()
    expect(tasksGrowingBacklog.evaluate(feed(growing, { count: 2 }))).toBeUndefined()
  })
})

describe('tasks.high-failure-rate', () => {
  const failing = (completed: number, failed: number) => (index: number) => ({
    tasks: {
      processed: { completed: completed * index, failed: failed * index },
      counts: { failed: 37 },
    },
  })

  it('is high when more than a tenth of the attempts fail', () => {
    expect(tasksHighFailureRate.evaluate(feed(failing(80, 20)))).toMatchObject({
      id: 'tasks.high-failure-rate',
      priority: 'high',
      component: 'tasks',
      title: '20% of task attempts fail over 5m',
      evidence: { metric: 'tasks.failureRate.mean', value: 0.2, threshold: 0.1, window: '5m' },
      action:
        'read the errors of the 37 failed tasks of queue "jobs" (tasks.failed()) and fix their cause, then requeue them with tasks.retryFailed()',
    })
  })

  it('is critical when most attempts fail', () => {
    const recommendation = tasksHighFailureRate.evaluate(feed(failing(20, 80)))
    expect(recommendation?.priority).toBe('critical')
    expect(recommendation?.evidence).toMatchObject({
      metric: 'tasks.failureRate.mean',
      value: 0.8,
      threshold: 0.5,
      window: '5m',
    })
  })

  it('stays silent on a few failures, and on too little data', () => {
    expect(tasksHighFailureRate.evaluate(feed(failing(98, 2)))).toBeUndefined()
    expect(tasksHighFailureRate.evaluate(feed(failing(20, 80), { count: 3 }))).toBeUndefined()
  })
})

describe('tasks.concurrency-at-max', () => {
  const capped = () => ({ tasks: { concurrency: 10, counts: { backlog: 50 } } })

  it('proposes a higher maximum when workers stay at it while tasks wait', () => {
    expect(tasksConcurrencyAtMax.evaluate(feed(capped))).toMatchObject({
      id: 'tasks.concurrency-at-max',
      priority: 'medium',
      component: 'tasks',
      title:
        'Workers ran at maximum concurrency 100% of the time over 5m with 50 tasks waiting on average',
      evidence: { metric: 'tasks.atMax.mean', value: 1, threshold: 0.9, window: '5m' },
      action: 'raise tasks.concurrency.max from 10 to 20',
    })
  })

  it('proposes worker processes instead when the CPU is busy', () => {
    const ctx = feed(() => ({ ...capped(), system: { cpu: { total: 95 } } }))
    expect(tasksConcurrencyAtMax.evaluate(ctx)?.action).toBe(
      'add worker processes rather than concurrency: CPU is at 95% (tasks.concurrency.max stays 10)',
    )
  })

  it('stays silent with fewer tasks waiting than slots, below the maximum, and on too little data', () => {
    expect(
      tasksConcurrencyAtMax.evaluate(
        feed(() => ({ tasks: { concurrency: 10, counts: { backlog: 6 } } })),
      ),
    ).toBeUndefined()
    expect(
      tasksConcurrencyAtMax.evaluate(
        feed(() => ({ tasks: { concurrency: 6, counts: { backlog: 50 } } })),
      ),
    ).toBeUndefined()
    expect(tasksConcurrencyAtMax.evaluate(feed(capped, { count: 2 }))).toBeUndefined()
  })
})
