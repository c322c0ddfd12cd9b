import type { Duration } from './duration.js'

export type { Duration } from './duration.js'

/** A pressure threshold: `soft` runs cleanup hooks, `hard` also forces a GC. */
export type PressureLevel = 'soft' | 'hard'

/** Where the heap stands against the limits right now. */
export type MemoryLevel = 'normal' | PressureLevel

/**
 * What started a pressure check: the periodic timer, the end of a garbage collection, a
 * `configure()` call or a `check()` call.
 */
export type CheckTrigger = 'interval' | 'gc' | 'configure' | 'manual'

/**
 * What a hard pressure action did about garbage collection.
 * - `forced`: `global.gc()` ran (the process was started with `--expose-gc`).
 * - `rate-limited`: the last forced GC was less than `minGcInterval` ago, so none ran.
 * - `unavailable`: no `global.gc` (start Node with `--expose-gc` to allow forced GCs).
 * - `none`: a soft action, which never forces a GC.
 */
export type GcAction = 'forced' | 'rate-limited' | 'unavailable' | 'none'

/** Options of {@link createMemoryManager} and `configure()`. Every field is optional. */
export interface MemoryManagerOptions {
  /**
   * Heap use, as a ratio of the heap limit, at which the `soft` hooks run. Must be above 0 and
   * below `hardLimit`.
   * @default 0.7
   */
  softLimit?: number
  /**
   * Heap use, as a ratio of the heap limit, at which the `hard` hooks run and a GC is forced
   * (when `global.gc` exists). Must be above `softLimit` and below 1.
   * @default 0.85
   */
  hardLimit?: number
  /**
   * Least time between two GCs forced by hard pressure, so a process stuck above the hard limit
   * does not spend its time in back-to-back full GCs.
   * @default '30s'
   */
  minGcInterval?: Duration
  /**
   * Period of the pressure check (a check also follows every GC). At most one second.
   * @default '1s'
   */
  checkInterval?: Duration
  /**
   * How far (as a ratio) heap use must fall below a limit before crossing it again counts as a
   * new crossing. Keeps a heap that hovers around a limit from running hooks on every wobble.
   * Must be below `softLimit`; `0` re-arms as soon as the ratio is below the limit.
   * @default 0.05
   */
  hysteresis?: number
  /**
   * While heap use stays above a limit, its hooks run again after this long (the cleanup did
   * not bring the heap down, or the caches filled up again).
   * @default '1m'
   */
  rearmInterval?: Duration
  /**
   * How long an async hook may run before it is reported as timed out. The hook is not
   * cancelled; the action just stops waiting for it.
   * @default '5s'
   */
  hookTimeout?: Duration
  /**
   * The denominator of the heap ratio, in bytes. V8's `heap_size_limit` counts the young
   * generation too (48 MiB on 64-bit Node 20), so with a small `--max-old-space-size` a process
   * runs out of memory before the ratio reaches 1; set this to the old-space size in bytes to
   * make the limits read as fractions of it.
   * @default v8.getHeapStatistics().heap_size_limit
   */
  heapLimit?: number
  /**
   * Watch heap use after major GCs for steady growth and emit `leak-suspected`.
   * @default true
   */
  leakDetection?: boolean
  /**
   * Consecutive post-major-GC samples that must each be higher than the one before to raise
   * `leak-suspected`. At least 3.
   * @default 5
   */
  leakSamples?: number
  /**
   * Least growth in bytes, from the first to the last of those samples, for a suspicion: small
   * rises (compiled code, inline caches warming up) are not leaks.
   * @default 1 MiB (1_048_576)
   */
  leakMinGrowth?: number
}

/** {@link MemoryManagerOptions} as applied, durations in milliseconds. */
export interface MemorySettings {
  softLimit: number
  hardLimit: number
  hysteresis: number
  /** Milliseconds. */
  minGcInterval: number
  /** Milliseconds. */
  checkInterval: number
  /** Milliseconds. */
  rearmInterval: number
  /** Milliseconds. */
  hookTimeout: number
  /** Bytes, or `null` for V8's `heap_size_limit`. */
  heapLimit: number | null
  leakDetection: boolean
  leakSamples: number
  /** Bytes. */
  leakMinGrowth: number
}

/** Heap figures at one moment, in bytes. */
export interface HeapFigures {
  /** V8 `used_heap_size`: live and not yet collected objects. */
  used: number
  /** V8 `total_heap_size`: memory V8 has reserved for the heap. */
  total: number
  /** The ratio's denominator: `heapLimit`, or V8's `heap_size_limit`. */
  limit: number
  /** `used / limit`. */
  ratio: number
  /** Memory of C++ objects bound to JS objects (Buffers, ArrayBuffers), outside the heap. */
  external: number
}

/** What a pressure hook is told. */
export interface PressureContext {
  level: PressureLevel
  trigger: CheckTrigger
  /** Heap use as a ratio of the limit when the action started. */
  ratio: number
  heap: HeapFigures
}

/**
 * A cleanup hook: drop caches, shrink buffers. May return a promise, which is awaited up to
 * `hookTimeout`. A throw or rejection is counted and reported, never rethrown.
 */
export type PressureHook = (context: PressureContext) => void | Promise<void>

/** Emitted after every pressure action, once its hooks settled and any GC ran. */
export interface PressureEvent {
  level: PressureLevel
  trigger: CheckTrigger
  /** Heap ratio that started the action. */
  ratio: number
  /** Heap when the action started. */
  before: HeapFigures
  /** Heap after the hooks (and the GC, if one was forced). */
  after: HeapFigures
  hooks: {
    /** Hooks called. */
    run: number
    /** Hooks that threw or rejected. */
    failed: number
    /** Hooks still running at `hookTimeout`. */
    timedOut: number
  }
  /** Idle pool objects dropped by this action (pools with a matching `drainOn`). */
  poolObjectsDropped: number
  gc: GcAction
  /** Wall time of the action, in milliseconds. */
  durationMs: number
  /** When the action started, epoch milliseconds. */
  at: number
}

/** One heap sample taken right after a major GC. */
export interface LeakSample {
  /** Epoch milliseconds. */
  at: number
  /** V8 `used_heap_size`, bytes. */
  heapUsed: number
}

/** Heap use after major GCs rose across `leakSamples` consecutive samples. */
export interface LeakSuspectedEvent {
  /** Least-squares slope of the samples, in bytes per minute. */
  growthBytesPerMinute: number
  /** Last sample minus first, bytes. */
  growthBytes: number
  /** Time from the first to the last sample, milliseconds. */
  windowMs: number
  samples: LeakSample[]
}

/** A pressure hook threw, rejected or timed out. */
export interface HookErrorEvent {
  level: PressureLevel
  /** What the hook threw, or a `HookTimeoutError`. */
  error: unknown
  timedOut: boolean
}

/** A heap snapshot was written. */
export interface HeapSnapshotEvent {
  path: string
  bytes: number
  durationMs: number
}

/** Events of a {@link MemoryManager} and their payloads. */
export interface MemoryEvents {
  pressure: PressureEvent
  'leak-suspected': LeakSuspectedEvent
  'hook-error': HookErrorEvent
  'heap-snapshot': HeapSnapshotEvent
}

/** Name of a {@link MemoryEvents} event. */
export type MemoryEventName = keyof MemoryEvents

/** Options of `createPool`. */
export interface PoolOptions<T extends object> {
  /** Makes a new object when the pool has no idle one. Must return an object. */
  create: () => T
  /**
   * Called on `release()` before the object is kept idle, to clear what the last user left in
   * it. Not called for an object dropped because the pool already holds `max` idle ones.
   * @default undefined (objects are kept as they are released)
   */
  reset?: (object: T) => void
  /**
   * Most idle objects kept; a release beyond it drops the object for the GC. `0` keeps none.
   * @default 100
   */
  max?: number
  /**
   * Shown in stats and error messages.
   * @default 'pool-<n>'
   */
  name?: string
  /**
   * For pools made by a manager: the pressure level whose actions drop this pool's idle objects
   * (`'soft'` drops them on soft and hard actions, `'hard'` on hard ones only).
   * @default 'soft'
   */
  drainOn?: PressureLevel | 'never'
}

/** Plain counters of one pool. */
export interface PoolStats {
  name: string
  max: number
  /** Objects made by `create`. */
  created: number
  /** Acquires served by an idle object. */
  reused: number
  acquired: number
  released: number
  /** Released objects dropped because `max` were idle, or because `reset` threw. */
  discarded: number
  /** Idle objects dropped by `drain()` or pressure actions. */
  drained: number
  /** Acquired and not yet released. */
  inUse: number
  idle: number
  /** `reused / acquired`, 0 before the first acquire. */
  hitRatio: number
}

/**
 * A pool of reusable objects. Not thread-safe across workers (each worker has its own heap);
 * safe within one event loop.
 */
export interface ObjectPool<T extends object> {
  readonly name: string
  /** An idle object, or a new one from `create`. */
  acquire(): T
  /**
   * Gives an acquired object back: `reset` runs and it is kept idle (up to `max`). Throws
   * `DoubleReleaseError` or `ForeignObjectError` for objects not currently acquired from here.
   */
  release(object: T): void
  /** Drops every idle object; returns how many. */
  drain(): number
  stats(): PoolStats
}

/** GC count and pause time of one kind of collection. */
export interface GcKindStats {
  count: number
  /** Total pause, milliseconds. */
  pauseMs: number
  /** Longest single pause, milliseconds. */
  maxPauseMs: number
}

/** Garbage collections seen since the manager was created (from `PerformanceObserver('gc')`). */
export interface GcStats {
  /** Mark-sweep-compact of the whole heap. */
  major: GcKindStats
  /** Scavenges of the young generation. */
  minor: GcKindStats
  /** Incremental marking steps. */
  incremental: GcKindStats
  /** Processing of weak callbacks (finalizers). */
  weakCallbacks: GcKindStats
  /** All kinds. */
  count: number
  pauseMs: number
  /** Collections flagged as forced (by `global.gc()` from anyone, or by V8 under pressure). */
  forced: number
  /** GCs this manager forced on hard pressure. */
  forcedByManager: number
  /** Whether `global.gc` exists (`--expose-gc`), so hard pressure can force a GC. */
  available: boolean
}

/** Counters of one pressure level. */
export interface PressureLevelStats {
  /** Actions started: crossings plus re-runs after `rearmInterval`. */
  actions: number
  /** Hooks registered now. */
  hooks: number
  /** Hook calls in all actions. */
  hooksRun: number
  hookErrors: number
  hookTimeouts: number
  /** Start of the last action, epoch milliseconds; 0 before the first. */
  lastActionAt: number
  /** Whether the next crossing of this limit will act. */
  armed: boolean
}

/** Pressure checks and the actions they took. */
export interface PressureStats {
  /** Pressure checks made, whatever their trigger. */
  checks: number
  /** Of those, checks that followed a batch of GCs. */
  gcChecks: number
  soft: PressureLevelStats
  hard: PressureLevelStats & {
    gcForced: number
    gcRateLimited: number
    gcUnavailable: number
  }
  /** Event listeners that threw (each is also a process warning). */
  listenerErrors: number
}

/** Leak detection state. */
export interface LeakStats {
  enabled: boolean
  /** Post-major-GC samples taken since creation. */
  samplesTaken: number
  /** The current run of rising samples (at most `leakSamples`). */
  risingSamples: LeakSample[]
  /** `leak-suspected` events raised. */
  suspicions: number
  /** Growth rate of the last suspicion, bytes per minute; 0 before the first. */
  lastGrowthBytesPerMinute: number
  /** When the last suspicion was raised, epoch milliseconds; 0 before the first. */
  lastSuspicionAt: number
  /** Whether detection is paused by {@link MemoryManager.pauseLeakDetection} (a bulk load runs). */
  paused: boolean
}

/** One V8 heap space (`v8.getHeapSpaceStatistics()`), bytes. */
export interface HeapSpaceStats {
  /** e.g. `new_space`, `old_space`, `code_space`, `large_object_space`. */
  name: string
  size: number
  used: number
  available: number
  physical: number
}

/** Plain, serializable state of a {@link MemoryManager}; every byte figure is in bytes. */
export interface MemoryStats {
  /** When these figures were read, epoch milliseconds. */
  at: number
  /** Against the current limits, from the heap as read now. */
  level: MemoryLevel
  heap: HeapFigures & {
    /** V8 `heap_size_limit`, whatever `heapLimit` says. */
    v8Limit: number
    /** V8 `total_available_size`: how much more the heap may grow. */
    available: number
    /** Memory malloc'd by V8 outside the heap. */
    malloced: number
    /** Resident set size of the process (`process.memoryUsage().rss`). */
    rss: number
    /** ArrayBuffer and SharedArrayBuffer memory, part of `external`. */
    arrayBuffers: number
    nativeContexts: number
    /** Contexts detached but not yet collected; a count that keeps growing points at a leak. */
    detachedContexts: number
  }
  spaces: HeapSpaceStats[]
  gc: GcStats
  pressure: PressureStats
  leak: LeakStats
  /** Live pools made by `createPool` on this manager. */
  pools: PoolStats[]
  snapshots: {
    written: number
    failed: number
    inProgress: boolean
    /** Path of the last snapshot written, or `null`. */
    lastPath: string | null
    /** When the last snapshot finished, epoch milliseconds; 0 before the first. */
    lastAt: number
    /** How long the last snapshot took (the event loop was blocked most of it), milliseconds. */
    lastDurationMs: number
  }
  settings: MemorySettings
  closed: boolean
}

/** Watches the heap and GC, acts on memory pressure, and makes pools. */
export interface MemoryManager {
  /**
   * Registers a cleanup hook for a pressure level; returns a function that unregisters it.
   * Soft hooks run when heap use crosses `softLimit`; hard hooks when it crosses `hardLimit`
   * (then a GC is forced too, when allowed).
   */
  onPressure(level: PressureLevel, hook: PressureHook): () => void
  /** Listens to an event; returns a function that stops listening. */
  on<E extends MemoryEventName>(event: E, listener: (payload: MemoryEvents[E]) => void): () => void
  /**
   * Fresh figures and all counters, about 10 µs (it reads `process.memoryUsage()` and the heap
   * spaces); the pressure check itself reads only `v8.getHeapStatistics()`.
   */
  stats(): MemoryStats
  /**
   * Checks pressure now and resolves, once any actions it started are done, with the level the
   * check saw.
   */
  check(): Promise<MemoryLevel>
  /**
   * Changes settings at run time. Fields not given keep their value; a field given as
   * `undefined` goes back to its default. Validates the result as a whole (a bad call changes
   * nothing) and checks pressure against the new limits right after.
   */
  configure(options: MemoryManagerOptions): MemorySettings
  /** A pool of reusable objects whose idle objects are dropped under pressure (`drainOn`). */
  createPool<T extends object>(options: PoolOptions<T>): ObjectPool<T>
  /**
   * Writes a V8 heap snapshot into `dir` and resolves with its path. One at a time. The event
   * loop stalls for seconds on a large heap (V8 walks the heap and Node serializes the snapshot
   * synchronously; only the file write is asynchronous), and native memory peaks at several
   * times the heap: take snapshots out of the load path.
   */
  writeHeapSnapshot(dir: string): Promise<string>
  /**
   * Pauses leak detection until the returned function is called, for a seed or bulk load that
   * grows the heap on purpose: samples taken meanwhile are ignored, and the run of rising samples
   * starts afresh after the last pause ends. Pauses nest; the returned function is idempotent.
   *
   * @example
   * const resume = memory.pauseLeakDetection()
   * try { await seedDemoData() } finally { resume() }
   */
  pauseLeakDetection(): () => void
  /** Stops the timer and the GC observer. Idempotent. Pools keep working. */
  close(): void
}
