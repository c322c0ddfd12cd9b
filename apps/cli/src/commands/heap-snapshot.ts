import type { Command } from 'commander'
import { createContext } from '../context.js'
import { UsageError } from '../errors.js'
import { formatBytes, formatMs } from '../ui/format.js'
import type { CommandEnv } from './command-env.js'

/** What `POST /performance/memory/heap-snapshot` answers. */
export interface HeapSnapshotResult {
  /** Where the file is, on the server's disk. */
  path: string
  bytes: number
  durationMs: number
}

/**
 * `heap-snapshot`: asks the running API to write a V8 heap snapshot of its own process into its
 * configured directory (`memory.heapSnapshotDir`) and prints where it went. Remote only: a
 * snapshot of this short-lived command's heap would say nothing about the service.
 *
 * @example
 * registerHeapSnapshotCommand(program, { io, state })
 */
export function registerHeapSnapshotCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('heap-snapshot')
    .description("write a heap snapshot of the running API's process (admin) and print its path")
    .option('--json', 'print { "path", "bytes", "durationMs" }')
    .addHelpText(
      'after',
      `
Needs a running API (--url or BI_PERF_URL) and a token with role admin. The file is written on
the server, into memory.heapSnapshotDir (default: bi-perf-heap-snapshots in its temp directory);
the caller never chooses the path. The server's event loop stalls while V8 walks the heap (about
a second per 100 MiB), so take snapshots out of peak load; one at a time, at most one per 30 s.
Take two a few minutes apart and compare them in Chrome DevTools (Memory tab) to see what grew.`,
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = createContext(command, env.io, env.state)
      if (context.url === undefined) {
        throw new UsageError(
          "heap-snapshot needs a running API: pass --url or set BI_PERF_URL (it snapshots the server's heap, not this command's)",
        )
      }
      const result = await context
        .api()
        .post<HeapSnapshotResult>('/performance/memory/heap-snapshot')
      if (options.json) {
        context.printJson(result)
        return
      }
      context.print(
        `heap snapshot written on the server: ${result.path} (${formatBytes(result.bytes)} in ${seconds(result.durationMs)})`,
      )
      context.note(
        'open it in Chrome DevTools › Memory; compare two taken minutes apart to see what grew',
      )
    })
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : formatMs(ms)
}
