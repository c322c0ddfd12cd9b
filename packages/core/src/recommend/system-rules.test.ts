import { describe, expect, it } from 'vitest'
import { feed, GiB, T0 } from '../../test/fixtures/metrics-feed.js'
import { systemCpuHigh, systemDiskAlmostFull, systemLoopDelay } from './system-rules.js'

describe('system.cpu-high', () => {
  const busy = () => ({ system: { cpu: { total: 92 } } })

  it('names no concurrency change when tasks do not run near the maximum', () => {
    // The fixture's worker runs at concurrency 1 of 10 with nothing active: not the cause.
    const recommendation = systemCpuHigh.evaluate(feed(busy))
    expect(recommendation).toMatchObject({
      id: 'system.cpu-high',
      priority: 'high',
      component: 'system',
      title: 'CPU averages 92% over 5m (p95 92%)',
      evidence: {
        metric: 'system.cpu.mean',
        value: 92,
        threshold: 85,
        window: '5m',
        summary: 'CPU 92% on average over 5 min (p95 92%, threshold 85%)',
      },
      apply: { restart: false },
    })
    expect(recommendation?.action).not.toContain('tasks.concurrency')
    expect(recommendation?.action).toContain('node --cpu-prof')
  })

  it('proposes halving task concurrency when tasks ran near the maximum', () => {
    const crowded = () => ({
      ...busy(),
      tasks: { concurrency: 10, counts: { active: 9 }, throughputPerMinute: 600 },
    })
    const recommendation = systemCpuHigh.evaluate(feed(crowded))
    expect(recommendation?.action).toBe(
      'lower tasks.concurrency.max from 10 to 5 so background tasks leave CPU to requests, or run tasks in separate worker processes',
    )
    expect(recommendation?.apply).toEqual({
      yaml: 'tasks.concurrency.max: 5',
      env: 'BI_PERF_TASKS_CONCURRENCY_MAX=5',
      restart: true,
    })
    expect(recommendation?.evidence.summary).toContain('cause: tasks ran at concurrency 10 of 10')
  })

  it('names a slow embedded PGlite query as the cause before anything else', () => {
    const slowEmbedded = (index: number) => ({
      ...busy(),
      tasks: { concurrency: 10, counts: { active: 9 }, throughputPerMinute: 600 },
      db: {
        backend: 'pglite' as const,
        queries: {
          slow: [
            {
              sql: 'SELECT week, avg(price) FROM prices GROUP BY week',
              durationMs: 720,
              at: new Date(T0 + index * 30_000).toISOString(),
              error: null,
            },
          ],
        },
      },
    })
    const recommendation = systemCpuHigh.evaluate(feed(slowEmbedded))
    expect(recommendation?.action).toContain(
      'speed up or cache "SELECT week, avg(price) FROM prices GROUP BY week" (720 ms',
    )
    expect(recommendation?.action).not.toContain('tasks.concurrency')
    expect(recommendation?.apply).toMatchObject({ restart: true })
    expect(recommendation?.apply.env).toMatch(/^DATABASE_URL=postgres:\/\//)
    expect(recommendation?.evidence.summary).toContain('the slowest 720 ms')
  })

  it('names GC pauses as the cause and proposes the memory profile', () => {
    // 3 s of pauses in every 30 s between records.
    const collecting = (index: number) => ({
      ...busy(),
      memory: { gc: { pauseMs: 6_000 + 3_000 * index } },
    })
    const recommendation = systemCpuHigh.evaluate(feed(collecting))
    expect(recommendation?.evidence.summary).toContain(
      'garbage collection paused 10% of the time over 5 min',
    )
    expect(recommendation?.apply).toMatchObject({
      command: 'bi-performance optimize memory',
      restart: false,
    })
  })

  it('does not blame GC pauses that happened before the window', () => {
    // Paused a lot during a start-up load, none since.
    const collectedOnce = () => ({ ...busy(), memory: { gc: { pauseMs: 60_000 } } })
    const recommendation = systemCpuHigh.evaluate(feed(collectedOnce))
    expect(recommendation?.evidence.summary).not.toContain('garbage collection')
    expect(recommendation?.action).toContain('node --cpu-prof')
  })

  it('stays silent below 85 %, and on too little data', () => {
    expect(systemCpuHigh.evaluate(feed(() => ({ system: { cpu: { total: 60 } } })))).toBeUndefined()
    expect(systemCpuHigh.evaluate(feed(busy, { count: 2 }))).toBeUndefined()
  })
})

describe('system.disk-almost-full', () => {
  const usedPercent = (percent: number) => () => ({
    system: {
      filesystems: {
        entries: [
          {
            mount: '/boot',
            device: '/dev/vda2',
            type: 'ext4',
            size: GiB,
            used: 0.1 * GiB,
            available: 0.9 * GiB,
            usedPercent: 10,
          },
          {
            mount: '/',
            device: '/dev/vda1',
            type: 'ext4',
            size: 100 * GiB,
            used: percent * GiB,
            available: (100 - percent) * GiB,
            usedPercent: percent,
          },
        ],
      },
    },
  })

  it('is critical above 95 % and says how much to free where', () => {
    expect(systemDiskAlmostFull.evaluate(feed(usedPercent(96)))).toMatchObject({
      id: 'system.disk-almost-full',
      priority: 'critical',
      component: 'system',
      title: 'A filesystem is 96% full',
      evidence: { metric: 'system.diskUsedPercent', value: 96, threshold: 95, window: 'now' },
      action:
        'free at least 6GiB on / (/dev/vda1, 4GiB of 100GiB available) to get below 90%, or grow it',
    })
  })

  it('is high above 90 %', () => {
    const recommendation = systemDiskAlmostFull.evaluate(feed(usedPercent(92)))
    expect(recommendation?.priority).toBe('high')
    expect(recommendation?.evidence.threshold).toBe(90)
    expect(recommendation?.action).toMatch(/^free at least 2GiB on \/ /)
  })

  it('stays silent below 90 %, and on too little data', () => {
    expect(systemDiskAlmostFull.evaluate(feed(usedPercent(80)))).toBeUndefined()
    expect(systemDiskAlmostFull.evaluate(feed(usedPercent(96), { count: 2 }))).toBeUndefined()
  })
})

describe('system.loop-delay', () => {
  const stalling = () => ({ system: { eventLoop: { delay: { p99: 150 } } } })

  it('proposes moving CPU work off the event loop when no cause shows', () => {
    expect(systemLoopDelay.evaluate(feed(stalling))).toMatchObject({
      id: 'system.loop-delay',
      priority: 'high',
      component: 'system',
      title: 'Event loop delay p99 reaches 150 ms (p95 over 5m)',
      evidence: { metric: 'system.loopDelayP99Ms.p95', value: 150, threshold: 100, window: '5m' },
      action:
        'move CPU-bound work off the event loop, into tasks run by worker processes or into worker threads; profile with node --cpu-prof to find it',
      apply: { restart: false },
    })
  })

  it('names a heap snapshot written in the window as the cause', () => {
    const snapshotting = () => ({
      ...stalling(),
      memory: { snapshots: { written: 1, lastAt: T0 + 200_000, lastDurationMs: 3_200 } },
    })
    const recommendation = systemLoopDelay.evaluate(feed(snapshotting))
    expect(recommendation?.evidence.summary).toContain('cause: a heap snapshot took 3.2 s')
    expect(recommendation?.action).toContain('take heap snapshots off peak')
  })

  it('stays silent on a responsive loop, and on too little data', () => {
    const responsive = () => ({ system: { eventLoop: { delay: { p99: 40 } } } })
    expect(systemLoopDelay.evaluate(feed(responsive))).toBeUndefined()
    expect(systemLoopDelay.evaluate(feed(stalling, { count: 2 }))).toBeUndefined()
  })
})
