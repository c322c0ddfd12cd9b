import { BiPerfError, describeValue } from '@bi-perf/internal'

/**
 * Base class of every error @bi-perf/memory throws or reports. Match on `code`, which is stable
 * across versions (use `hasErrorCode(error, code)`, which also matches a code from before a
 * rename); messages may improve.
 */
export class MemoryError extends BiPerfError {
  override name = 'MemoryError'
}

/**
 * An option of `createMemoryManager`, `configure` or `createPool` breaks a rule (a limit outside
 * 0–1, soft not below hard, an unknown option name…).
 */
export class InvalidOptionError extends MemoryError {
  override name = 'InvalidOptionError'
  /** The option path, e.g. `softLimit` or `minGcInterval`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_MEMORY_INVALID_OPTION',
      `Invalid option ${field} ${describeValue(value)}: ${rule}`,
      options,
    )
    this.field = field
  }

  /** @deprecated Use `field`; `option` is removed in 0.3.0. */
  get option(): string {
    return this.field
  }
}

/**
 * A duration option (`minGcInterval`, `hookTimeout`…) is negative, NaN, infinite or an unparsable
 * string. It extends {@link InvalidOptionError}, which memory threw for durations before 0.2, so
 * `instanceof InvalidOptionError` still holds and `hasErrorCode(error, 'E_MEMORY_INVALID_OPTION')`
 * still matches (its `legacyCode`) until 0.3.0.
 */
export class InvalidDurationError extends InvalidOptionError {
  override name = 'InvalidDurationError'
  // Fields, not constructor arguments: the parent fixes its own code, and a duration is the one
  // kind of option error whose code differs.
  override readonly code: string = 'E_MEMORY_INVALID_DURATION'
  override readonly legacyCode: string | undefined = 'E_MEMORY_INVALID_OPTION'
}

/** An argument of a method is wrong: an unknown pressure level, a hook that is not a function… */
export class InvalidArgumentError extends MemoryError {
  override name = 'InvalidArgumentError'
  /** The argument's name, e.g. `level` or `dir`. */
  readonly field: string

  constructor(field: string, value: unknown, rule: string, options?: ErrorOptions) {
    super(
      'E_MEMORY_INVALID_ARGUMENT',
      `Invalid argument ${field} ${describeValue(value)}: ${rule}`,
      options,
    )
    this.field = field
  }

  /** @deprecated Use `field`; `argument` is removed in 0.3.0. */
  get argument(): string {
    return this.field
  }
}

/** The memory manager was used after `close()`. */
export class MemoryManagerClosedError extends MemoryError {
  override name = 'MemoryManagerClosedError'

  constructor() {
    super(
      'E_MEMORY_CLOSED',
      'The memory manager is closed; create a new one with createMemoryManager()',
    )
  }
}

/**
 * A pressure hook did not settle within `hookTimeout`. Reported through the `hook-error` event and
 * counted in `stats().pressure`, never thrown.
 */
export class HookTimeoutError extends MemoryError {
  override name = 'HookTimeoutError'
  /** The hook's pressure level. */
  readonly level: string
  /** The timeout it exceeded, in milliseconds. */
  readonly timeoutMs: number

  constructor(level: string, timeoutMs: number) {
    super(
      'E_MEMORY_HOOK_TIMEOUT',
      `A ${level} pressure hook did not settle within ${timeoutMs} ms (hookTimeout); it was left running`,
    )
    this.level = level
    this.timeoutMs = timeoutMs
  }
}

/** `release()` got an object the pool handed out and already took back. */
export class DoubleReleaseError extends MemoryError {
  override name = 'DoubleReleaseError'
  /** The pool's name. */
  readonly pool: string

  constructor(pool: string) {
    super(
      'E_MEMORY_POOL_DOUBLE_RELEASE',
      `Pool "${pool}": this object was already released; release each acquired object once`,
    )
    this.pool = pool
  }
}

/** `release()` got an object this pool never created. */
export class ForeignObjectError extends MemoryError {
  override name = 'ForeignObjectError'
  /** The pool's name. */
  readonly pool: string

  constructor(pool: string, value: unknown) {
    super(
      'E_MEMORY_POOL_FOREIGN_OBJECT',
      `Pool "${pool}": cannot release ${describeValue(value)}, which this pool did not create`,
    )
    this.pool = pool
  }
}

/**
 * A pool's `create` threw or returned something that is not an object, or its `reset` threw (the
 * object is then dropped, not pooled). The original error is the `cause`.
 */
export class PoolCallbackError extends MemoryError {
  override name = 'PoolCallbackError'
  /** The pool's name. */
  readonly pool: string
  /** Which callback failed. */
  readonly callback: 'create' | 'reset'

  constructor(pool: string, callback: 'create' | 'reset', rule: string, options?: ErrorOptions) {
    super('E_MEMORY_POOL_CALLBACK', `Pool "${pool}": ${callback}() ${rule}`, options)
    this.pool = pool
    this.callback = callback
  }
}

/** `writeHeapSnapshot` was called while another snapshot of this manager was being written. */
export class SnapshotInProgressError extends MemoryError {
  override name = 'SnapshotInProgressError'

  constructor() {
    super(
      'E_MEMORY_SNAPSHOT_IN_PROGRESS',
      'A heap snapshot is already being written; wait for it (one at a time, each can take as much memory as the heap)',
    )
  }
}

/** Writing a heap snapshot failed (disk full, directory removed…); the `cause` says why. */
export class SnapshotError extends MemoryError {
  override name = 'SnapshotError'
  /** The file that was being written (removed on failure). */
  readonly path: string

  constructor(path: string, options?: ErrorOptions) {
    super('E_MEMORY_SNAPSHOT_FAILED', `Could not write the heap snapshot ${path}`, options)
    this.path = path
  }
}

/** Every error class of the package, by name, for `instanceof` checks without deep imports. */
export const errors = {
  MemoryError,
  InvalidOptionError,
  InvalidDurationError,
  InvalidArgumentError,
  MemoryManagerClosedError,
  HookTimeoutError,
  DoubleReleaseError,
  ForeignObjectError,
  PoolCallbackError,
  SnapshotInProgressError,
  SnapshotError,
} as const
