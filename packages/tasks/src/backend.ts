import type { ResolvedBackoff } from './options.js'
import type { CloseResult, FailedTask, TaskCounts } from './types.js'
import type { PreparedTask } from './validate.js'

/** One attempt handed to the queue's runner by a backend. */
export interface Attempt {
  id: string
  name: string
  data: unknown
  attempt: number
  attempts: number
  /** Unix ms the task became ready (enqueue time plus delay, or end of backoff). */
  readyAt: number
  /** Aborted by the backend itself (BullMQ cancels a job, e.g. its lock was lost). */
  signal: AbortSignal | undefined
  progress(value: number | Record<string, unknown>): Promise<void>
  /**
   * Gives an in-flight task back to the queue at shutdown; returns the error the runner must
   * reject with so the backend does not count the attempt as failed.
   */
  requeue(): Promise<Error>
}

/** What a backend calls back into. */
export interface WorkerHooks {
  run(attempt: Attempt): Promise<unknown>
  settled(event: {
    id: string
    name: string
    attempt: number
    waitMs: number
    runMs: number
    error: Error | undefined
    final: boolean
  }): void
  error(error: Error): void
}

/** The storage and scheduling under a task queue: BullMQ, or in-process. */
export interface Backend {
  readonly kind: 'bullmq' | 'memory'
  add(
    tasks: PreparedTask[],
    retry: { attempts: number; backoff: ResolvedBackoff },
  ): Promise<string[]>
  startWorker(hooks: WorkerHooks, concurrency: number): void
  setConcurrency(concurrency: number): void
  counts(): Promise<TaskCounts>
  /** Age of the oldest task ready to run, ms (0 when none). */
  oldestWaitMs(): Promise<number>
  throughputPerMinute(): Promise<number>
  failed(limit: number): Promise<FailedTask[]>
  retryFailed(): Promise<number>
  /** Stop taking new tasks (in-flight ones go on). */
  pause(): Promise<void>
  close(): Promise<void>
}

export type { CloseResult }
