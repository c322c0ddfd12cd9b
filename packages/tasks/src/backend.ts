import type { CloseResult, FailedTask, TaskCounts, TaskQueueAvailability } from './types.js'
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
  /** The handler's result: a plain value when it returned one, or a promise. Throws when it threw. */
  run(attempt: Attempt): unknown
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

/**
 * The storage and scheduling under a task queue: BullMQ, or in-process. Each producer-side method
 * is one call to the store (one deadline, one breaker decision on BullMQ), so its failure is one
 * typed error: `TasksUnavailableError`, or `EnqueueUncertainError` for writes that were sent.
 */
export interface Backend {
  readonly kind: 'bullmq' | 'memory'
  /**
   * Adds the tasks under their ids (an id already present is left alone), with the queue's
   * attempts and backoff; resolves with the ids.
   */
  add(tasks: PreparedTask[]): Promise<string[]>
  startWorker(hooks: WorkerHooks, concurrency: number): void
  setConcurrency(concurrency: number): void
  /** What `status()` reads from the store. */
  figures(): Promise<{ counts: TaskCounts; throughputPerMinute: number }>
  /** What the autoscaler reads: tasks ready to run, and the age (ms) of the oldest of them. */
  load(): Promise<{ waiting: number; oldestWaitMs: number }>
  failed(limit: number): Promise<FailedTask[]>
  retryFailed(): Promise<number>
  /** Whether the store is reachable now, without I/O. */
  availability(): TaskQueueAvailability
  /** Stop taking new tasks (in-flight ones go on). */
  pause(): Promise<void>
  close(): Promise<void>
}

export type { CloseResult }
