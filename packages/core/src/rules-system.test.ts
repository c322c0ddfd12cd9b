import { describe, expect, it } from 'vitest'
import { feed, GiB } from './recommend-fixtures.js'
import { systemCpuHigh, systemDiskAlmostFull, systemLoopDelay } from './rules-system.js'

describe('system.cpu-high', () => {
  const busy = () => ({ system: { cpu: { total: 92 } } })

  it('proposes halving in-process task concurrency when the CPU stays busy', () => {
    expect(systemCpuHigh.evaluate(feed(busy))).toEqual({
      id: 'system.cpu-high',
      priority: 'high',
      component: 'system',
      title: 'CPU averages 92% over 5m (p95 92%)',
      evidence: { metric: 'system.cpu.mean', value: 92, threshold: 85, window: '5m' },
      action:
        'lower tasks.concurrency.max from 10 to 5 so background tasks leave CPU to requests, or add CPU or instances',
    })
  })

  it('proposes more CPU when this process runs no tasks', () => {
    const ctx = feed(() => ({ ...busy(), tasks: undefined }))
    expect(systemCpuHigh.evaluate(ctx)?.action).toBe(
      'add CPU or instances, and profile the hot paths (node --cpu-prof)',
    )
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
    expect(systemDiskAlmostFull.evaluate(feed(usedPercent(96)))).toEqual({
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

  it('proposes moving CPU work off the event loop when it stalls', () => {
    expect(systemLoopDelay.evaluate(feed(stalling))).toEqual({
      id: 'system.loop-delay',
      priority: 'high',
      component: 'system',
      title: 'Event loop delay p99 reaches 150 ms (p95 over 5m)',
      evidence: { metric: 'system.loopDelayP99Ms.p95', value: 150, threshold: 100, window: '5m' },
      action:
        'move CPU-bound work off the event loop: into tasks run by worker processes or into worker threads, or lower tasks.concurrency.max from 10 to 5',
    })
  })

  it('stays silent on a responsive loop, and on too little data', () => {
    const responsive = () => ({ system: { eventLoop: { delay: { p99: 40 } } } })
    expect(systemLoopDelay.evaluate(feed(responsive))).toBeUndefined()
    expect(systemLoopDelay.evaluate(feed(stalling, { count: 2 }))).toBeUndefined()
  })
})
