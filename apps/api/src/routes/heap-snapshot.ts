import { chmod, mkdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ComponentDisabledError } from '@bi-perf/core'
import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse, HttpError } from '../http/errors.js'
import { bearerSecurity, protectedResponses } from '../http/openapi-responses.js'
import { createRouter } from '../http/router.js'
import type { RouteDeps } from '../types.js'

/** Options of {@link heapSnapshotRoutes}, mostly for tests. */
export interface HeapSnapshotRouteOptions {
  /**
   * Least time between the end of one snapshot and the start of the next: each stalls the event
   * loop for seconds and can take as much native memory as the heap, so a script in a loop must
   * not be able to hold the server in that state.
   * @default 30_000
   */
  minInterval?: number
}

const DEFAULT_MIN_INTERVAL = 30_000

/** Where snapshots go when `memory.heapSnapshotDir` is unset. */
export function defaultHeapSnapshotDir(): string {
  return join(tmpdir(), 'bi-perf-heap-snapshots')
}

const HeapSnapshotSchema = z
  .object({
    path: z.string().openapi({
      example: '/tmp/bi-perf-heap-snapshots/heap-4242-2026-12-04T21-05-00-000Z-1.heapsnapshot',
    }),
    bytes: z.number().int().openapi({ example: 48_213_377 }),
    durationMs: z.number().openapi({ example: 1830.5 }),
  })
  .openapi('HeapSnapshot')

/**
 * `POST /memory/heap-snapshot` (under `/performance`, admin): writes a V8 heap snapshot of the
 * server process with the memory manager's `writeHeapSnapshot` into the configured directory
 * (`memory.heapSnapshotDir`; the caller never chooses a path) and answers its path, size and
 * duration. One at a time (409 while one is being written) and at most one per `minInterval`
 * (429 with `Retry-After`). Open it in Chrome DevTools (Memory tab) and compare two taken a few
 * minutes apart to see what grew.
 *
 * @example
 * app.route('/performance', heapSnapshotRoutes(deps))
 */
export function heapSnapshotRoutes(deps: RouteDeps, options: HeapSnapshotRouteOptions = {}) {
  const dir = deps.config.memory.heapSnapshotDir ?? defaultHeapSnapshotDir()
  const minInterval = options.minInterval ?? DEFAULT_MIN_INTERVAL
  let writing = false
  let lastFinished = -Infinity

  return createRouter().openapi(
    createRoute({
      method: 'post',
      path: '/memory/heap-snapshot',
      tags: ['performance'],
      summary: 'Write a heap snapshot of the server into the configured directory',
      description:
        'Stalls the event loop for about a second per 100 MiB of heap and can take as much native memory as the heap: take snapshots out of the load path. The file goes to memory.heapSnapshotDir (default: bi-perf-heap-snapshots in the OS temp directory).',
      security: bearerSecurity,
      middleware: [deps.requireRole('admin')] as const,
      responses: {
        200: {
          description: 'The snapshot written',
          content: { 'application/json': { schema: HeapSnapshotSchema } },
        },
        409: errorResponse(
          'A snapshot is already being written (E_MEMORY_SNAPSHOT_IN_PROGRESS), or the memory manager is disabled (E_CORE_COMPONENT_DISABLED)',
        ),
        503: errorResponse('The snapshot directory cannot be written (E_API_SNAPSHOT_FAILED)'),
        ...protectedResponses,
      },
    }),
    async (c) => {
      const memory = deps.optimizer.memory
      if (!memory) throw new ComponentDisabledError('memory')
      if (writing) throw inProgress()
      const wait = lastFinished + minInterval - Date.now()
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000)
        throw new HttpError(
          429,
          'E_API_RATE_LIMITED',
          `one heap snapshot per ${Math.ceil(minInterval / 1000)} s; retry in ${seconds} s`,
          { retryAfterSeconds: seconds },
          { 'Retry-After': String(seconds) },
        )
      }
      writing = true
      const started = performance.now()
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 })
        const path = await memory.writeHeapSnapshot(dir)
        // A heap holds every secret the process knows (the JWT secret, database passwords).
        await chmod(path, 0o600)
        const { size } = await stat(path)
        const durationMs = Math.round((performance.now() - started) * 10) / 10
        deps.logger.info(
          { path, bytes: size, durationMs, by: c.get('auth')?.subject },
          'heap snapshot written',
        )
        return c.json({ path, bytes: size, durationMs }, 200)
      } catch (error) {
        const code = (error as { code?: unknown }).code
        if (code === 'E_MEMORY_SNAPSHOT_IN_PROGRESS') throw inProgress()
        deps.logger.error({ err: error, dir }, 'heap snapshot failed')
        throw new HttpError(
          503,
          'E_API_SNAPSHOT_FAILED',
          `the heap snapshot could not be written (memory.heapSnapshotDir): ${error instanceof Error ? error.message : String(error)}`,
        )
      } finally {
        writing = false
        lastFinished = Date.now()
      }
    },
  )
}

function inProgress(): HttpError {
  return new HttpError(
    409,
    'E_MEMORY_SNAPSHOT_IN_PROGRESS',
    'a heap snapshot is already being written; wait for it to finish',
  )
}
