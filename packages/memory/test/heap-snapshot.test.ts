import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createMemoryManager, InvalidArgumentError } from '../src/index.js'
import { runFixture } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'bi-perf-memory-'))

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writeHeapSnapshot', { timeout: 90_000 }, () => {
  it('streams a complete snapshot to the directory, one at a time', async () => {
    const { code, lines, stderr } = await runFixture('snapshot-child', { args: [dir] })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const written = lines.filter((line) => line.type === 'written')
    expect(written).toHaveLength(1)
    expect(lines.filter((line) => line.type === 'rejected')).toEqual([
      { type: 'rejected', code: 'E_MEMORY_SNAPSHOT_IN_PROGRESS' },
    ])
    const path = written[0]!.path as string
    expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)])
    const snapshot = JSON.parse(readFileSync(path, 'utf8')) as {
      snapshot: { node_count: number }
      strings: string[]
    }
    expect(snapshot.snapshot.node_count).toBeGreaterThan(1000)
    expect(snapshot.strings).toContain('bi-perf-snapshot-marker')
    const event = lines.find((line) => line.type === 'event')!.event as { bytes: number }
    expect(event.bytes).toBe(readFileSync(path).length)
    const snapshots = lines.find((line) => line.type === 'stats')!.snapshots as {
      lastAt: number
      lastDurationMs: number
    }
    expect(snapshots).toMatchObject({ written: 1, failed: 0, inProgress: false, lastPath: path })
    expect(snapshots.lastAt).toBeGreaterThan(0)
    expect(snapshots.lastDurationMs).toBeGreaterThan(0)
  })

  it.each([
    ['a missing directory', () => join(dir, 'missing'), /does not exist/],
    [
      'a file',
      () => {
        const file = join(dir, 'file.txt')
        writeFileSync(file, 'x')
        return file
      },
      /not a directory/,
    ],
    ['an empty path', () => '', /non-empty path/],
  ])('rejects %s with an InvalidArgumentError naming dir', async (_, target, rule) => {
    const memory = createMemoryManager()
    try {
      const attempt = memory.writeHeapSnapshot(target())
      await expect(attempt).rejects.toThrow(InvalidArgumentError)
      await expect(attempt).rejects.toThrow(rule)
      await expect(attempt).rejects.toMatchObject({ argument: 'dir' })
      expect(memory.stats().snapshots).toMatchObject({ written: 0, failed: 0, inProgress: false })
    } finally {
      memory.close()
    }
  })
})
