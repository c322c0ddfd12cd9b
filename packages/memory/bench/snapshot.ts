import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROWS = 400_000

interface SnapshotRun {
  method: string
  rows: number
  heapBytes: number
  gcPausesMs: number[]
  totalMs: number
  stallMs: number
  fileBytes: number
  rssBefore: number
  maxRss: number
}

function run(method: 'stream' | 'sync'): SnapshotRun {
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      fileURLToPath(new URL('./snapshot-child.ts', import.meta.url)),
      method,
      String(ROWS),
    ],
    { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) },
  )
  if (child.status !== 0) throw new Error(`snapshot child failed: ${child.stderr}`)
  return JSON.parse(child.stdout) as SnapshotRun
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(0)

/**
 * A forced GC and a heap snapshot on a heap of about 80 MB of live rows, each snapshot method in
 * its own process so its peak memory is its own.
 */
export function snapshotBench(): string {
  const runs = [run('stream'), run('sync')]
  const pauses = runs.flatMap((entry) => entry.gcPausesMs).sort((a, b) => a - b)
  const heap = runs[0]!.heapBytes
  const lines = [
    `### Forced GC and heap snapshot, heap of ${mb(heap)} MB (${ROWS.toLocaleString('en')} live rows)`,
    '',
    `A forced full GC (\`global.gc()\`, what a hard action runs) paused the process for ${pauses[Math.floor(pauses.length / 2)]!.toFixed(1)} ms (median of ${pauses.length}; min ${pauses[0]!.toFixed(1)}, max ${pauses.at(-1)!.toFixed(1)}).`,
    '',
    '| snapshot | total ms | longest event-loop stall ms | file MB | RSS before MB | peak RSS MB |',
    '|---|---|---|---|---|---|',
    ...runs.map(
      (entry) =>
        `| ${entry.method === 'stream' ? 'memory.writeHeapSnapshot (v8.getHeapSnapshot, streamed)' : 'v8.writeHeapSnapshot (synchronous)'} | ${entry.totalMs.toFixed(0)} | ${entry.stallMs.toFixed(0)} | ${mb(entry.fileBytes)} | ${mb(entry.rssBefore)} | ${mb(entry.maxRss)} |`,
    ),
    '',
  ]
  const text = lines.join('\n')
  console.log(text)
  return text
}
