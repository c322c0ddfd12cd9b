import { Emitter } from './emitter.js'
import {
  InvalidArgumentError,
  MemoryManagerClosedError,
  SnapshotInProgressError,
} from './errors.js'
import { GcTracker } from './gc-tracker.js'
import { readHeap, readHeapDetails, readHeapSpaces } from './heap.js'
import { writeSnapshot } from './heap-snapshot.js'
import { runHooks } from './hooks.js'
import { LeakDetector } from './leak-detector.js'
import { ObjectPoolImpl, resolvePoolOptions } from './object-pool.js'
import { resolveOptions } from './options.js'
import { Threshold } from './threshold.js'
import type {
  CheckTrigger,
  GcAction,
  HeapFigures,
  MemoryEvents,
  MemoryLevel,
  MemoryManager,
  MemoryManagerOptions,
  MemorySettings,
  MemoryStats,
  ObjectPool,
  PoolOptions,
  PressureHook,
  PressureLevel,
  PressureLevelStats,
  PressureStats,
} from './types.js'

const LEVELS: readonly PressureLevel[] = ['soft', 'hard']
const EVENTS: readonly (keyof MemoryEvents)[] = [
  'pressure',
  'leak-suspected',
  'hook-error',
  'heap-snapshot',
]

interface LevelCounters {
  actions: number
  hooksRun: number
  hookErrors: number
  hookTimeouts: number
  lastActionAt: number
}

/** The memory manager behind {@link createMemoryManager}. */
export class MemoryManagerImpl implements MemoryManager {
  #input: MemoryManagerOptions
  #settings: MemorySettings
  readonly #thresholds: Record<PressureLevel, Threshold>
  readonly #hooks: Record<PressureLevel, Set<PressureHook>> = { soft: new Set(), hard: new Set() }
  readonly #inFlight: Record<PressureLevel, boolean> = { soft: false, hard: false }
  readonly #counters: Record<PressureLevel, LevelCounters> = { soft: counters(), hard: counters() }
  readonly #gcOutcomes = { forced: 0, rateLimited: 0, unavailable: 0 }
  readonly #events = new Emitter<MemoryEvents>()
  readonly #gc: GcTracker
  readonly #leak: LeakDetector
  // Weak, so a pool the program dropped is collected instead of being kept by its manager.
  readonly #pools = new Set<WeakRef<ObjectPoolImpl<object>>>()
  readonly #snapshots = {
    written: 0,
    failed: 0,
    inProgress: false,
    lastPath: null as string | null,
    lastAt: 0,
    lastDurationMs: 0,
  }
  #timer: NodeJS.Timeout | undefined
  #checks = 0
  #gcChecks = 0
  #lastForcedGcAt = Number.NEGATIVE_INFINITY
  #closed = false

  constructor(options: MemoryManagerOptions = {}) {
    this.#settings = resolveOptions(options)
    this.#input = { ...options }
    const settings = this.#settings
    this.#thresholds = {
      soft: new Threshold(settings.softLimit, settings.hysteresis, settings.rearmInterval),
      hard: new Threshold(settings.hardLimit, settings.hysteresis, settings.rearmInterval),
    }
    this.#leak = new LeakDetector(settings.leakSamples, settings.leakMinGrowth)
    this.#gc = new GcTracker((sawMajor) => this.#afterGc(sawMajor))
    this.#gc.start()
    this.#startTimer()
  }

  onPressure(level: PressureLevel, hook: PressureHook): () => void {
    this.#assertOpen()
    if (!LEVELS.includes(level)) {
      throw new InvalidArgumentError('level', level, "must be 'soft' or 'hard'")
    }
    if (typeof hook !== 'function') {
      throw new InvalidArgumentError('hook', hook, 'must be a function')
    }
    // A wrapper per registration, so registering one function twice runs it twice and each
    // unsubscribe removes only its own registration.
    const registration: PressureHook = (context) => hook(context)
    this.#hooks[level].add(registration)
    return () => {
      this.#hooks[level].delete(registration)
    }
  }

  on<E extends keyof MemoryEvents>(
    event: E,
    listener: (payload: MemoryEvents[E]) => void,
  ): () => void {
    if (!EVENTS.includes(event)) {
      throw new InvalidArgumentError('event', event, `must be one of ${EVENTS.join(', ')}`)
    }
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError('listener', listener, 'must be a function')
    }
    return this.#events.on(event, listener)
  }

  stats(): MemoryStats {
    const settings = this.#settings
    const heap = readHeapDetails(settings.heapLimit)
    const pools = []
    for (const ref of this.#pools) {
      const pool = ref.deref()
      if (pool === undefined) this.#pools.delete(ref)
      else pools.push(pool.stats())
    }
    return {
      at: Date.now(),
      level: this.#levelOf(heap.ratio),
      heap,
      spaces: readHeapSpaces(),
      gc: this.#gc.stats(this.#gcOutcomes.forced),
      pressure: this.#pressureStats(),
      leak: {
        enabled: settings.leakDetection,
        samplesTaken: this.#leak.samplesTaken,
        risingSamples: this.#leak.risingSamples,
        suspicions: this.#leak.suspicions,
        lastGrowthBytesPerMinute: this.#leak.lastGrowthBytesPerMinute,
        lastSuspicionAt: this.#leak.lastSuspicionAt,
        paused: this.#leak.paused,
      },
      pools,
      snapshots: { ...this.#snapshots },
      settings: { ...settings },
      closed: this.#closed,
    }
  }

  async check(): Promise<MemoryLevel> {
    this.#assertOpen()
    const { level, actions } = this.#check('manual')
    await Promise.all(actions)
    return level
  }

  configure(options: MemoryManagerOptions): MemorySettings {
    this.#assertOpen()
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', options, 'expected an object of options')
    }
    const input = { ...this.#input, ...options }
    // Validated as a whole before anything changes, so a rejected call leaves the old settings.
    const settings = resolveOptions(input)
    const previous = this.#settings
    this.#input = input
    this.#settings = settings
    for (const level of LEVELS) {
      const threshold = this.#thresholds[level]
      threshold.limit = level === 'soft' ? settings.softLimit : settings.hardLimit
      threshold.hysteresis = settings.hysteresis
      threshold.rearmMs = settings.rearmInterval
    }
    this.#leak.samples = settings.leakSamples
    this.#leak.minGrowth = settings.leakMinGrowth
    if (previous.leakSamples !== settings.leakSamples || !settings.leakDetection) {
      this.#leak.reset()
    }
    if (previous.checkInterval !== settings.checkInterval) this.#startTimer()
    // Lowered limits should act now, not at the next tick; a microtask lets the caller finish
    // what it is doing (e.g. registering hooks) first.
    queueMicrotask(() => {
      if (!this.#closed) this.#check('configure')
    })
    return { ...settings }
  }

  createPool<T extends object>(options: PoolOptions<T>): ObjectPool<T> {
    this.#assertOpen()
    const pool = new ObjectPoolImpl(resolvePoolOptions(options))
    this.#pools.add(new WeakRef(pool as unknown as ObjectPoolImpl<object>))
    return pool
  }

  pauseLeakDetection(): () => void {
    return this.#leak.pause()
  }

  async writeHeapSnapshot(dir: string): Promise<string> {
    this.#assertOpen()
    if (this.#snapshots.inProgress) throw new SnapshotInProgressError()
    this.#snapshots.inProgress = true
    try {
      const written = await writeSnapshot(dir)
      this.#snapshots.written++
      this.#snapshots.lastPath = written.path
      this.#snapshots.lastAt = Date.now()
      this.#snapshots.lastDurationMs = written.durationMs
      this.#emit('heap-snapshot', written)
      return written.path
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) this.#snapshots.failed++
      throw error
    } finally {
      this.#snapshots.inProgress = false
    }
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#gc.stop()
    this.#hooks.soft.clear()
    this.#hooks.hard.clear()
    this.#events.clear()
  }

  #startTimer() {
    clearInterval(this.#timer)
    this.#timer = setInterval(() => this.#check('interval'), this.#settings.checkInterval)
    this.#timer.unref()
  }

  #afterGc(sawMajor: boolean) {
    if (this.#closed) return
    if (sawMajor && this.#settings.leakDetection) {
      const suspicion = this.#leak.add({
        at: Date.now(),
        heapUsed: readHeap(null).used,
      })
      if (suspicion) this.#emit('leak-suspected', suspicion)
    }
    this.#check('gc')
  }

  /** One pressure reading; starts the actions of every limit it crosses, soft first. */
  #check(trigger: CheckTrigger): { level: MemoryLevel; actions: Promise<void>[] } {
    this.#checks++
    if (trigger === 'gc') this.#gcChecks++
    const heap = readHeap(this.#settings.heapLimit)
    const now = Date.now()
    const actions: Promise<void>[] = []
    for (const level of LEVELS) {
      if (this.#thresholds[level].update(heap.ratio, now, !this.#inFlight[level])) {
        actions.push(this.#act(level, trigger, heap, now))
      }
    }
    return { level: this.#levelOf(heap.ratio), actions }
  }

  async #act(level: PressureLevel, trigger: CheckTrigger, before: HeapFigures, at: number) {
    this.#inFlight[level] = true
    const started = performance.now()
    const counters = this.#counters[level]
    counters.actions++
    counters.lastActionAt = at
    try {
      const poolObjectsDropped = this.#drainPools(level)
      const outcome = await runHooks(
        [...this.#hooks[level]],
        { level, trigger, ratio: before.ratio, heap: before },
        this.#settings.hookTimeout,
        (error, timedOut) => {
          if (timedOut) counters.hookTimeouts++
          else counters.hookErrors++
          this.#emit('hook-error', { level, error, timedOut })
        },
      )
      counters.hooksRun += outcome.run
      const gc = level === 'hard' ? this.#forceGc() : 'none'
      this.#emit('pressure', {
        level,
        trigger,
        ratio: before.ratio,
        before,
        after: readHeap(this.#settings.heapLimit),
        hooks: outcome,
        poolObjectsDropped,
        gc,
        durationMs: performance.now() - started,
        at,
      })
    } finally {
      this.#inFlight[level] = false
    }
  }

  #forceGc(): GcAction {
    const gc = globalThis.gc
    if (typeof gc !== 'function') {
      this.#gcOutcomes.unavailable++
      return 'unavailable'
    }
    const now = Date.now()
    if (now - this.#lastForcedGcAt < this.#settings.minGcInterval) {
      this.#gcOutcomes.rateLimited++
      return 'rate-limited'
    }
    this.#lastForcedGcAt = now
    this.#gcOutcomes.forced++
    gc()
    return 'forced'
  }

  #drainPools(level: PressureLevel): number {
    let dropped = 0
    for (const ref of this.#pools) {
      const pool = ref.deref()
      if (pool === undefined) {
        this.#pools.delete(ref)
        continue
      }
      if (pool.drainOn === 'soft' || pool.drainOn === level) dropped += pool.drain()
    }
    return dropped
  }

  #levelOf(ratio: number): MemoryLevel {
    if (ratio >= this.#settings.hardLimit) return 'hard'
    if (ratio >= this.#settings.softLimit) return 'soft'
    return 'normal'
  }

  #pressureStats(): PressureStats {
    const level = (name: PressureLevel): PressureLevelStats => ({
      ...this.#counters[name],
      hooks: this.#hooks[name].size,
      armed: this.#thresholds[name].armed,
    })
    return {
      checks: this.#checks,
      gcChecks: this.#gcChecks,
      soft: level('soft'),
      hard: {
        ...level('hard'),
        gcForced: this.#gcOutcomes.forced,
        gcRateLimited: this.#gcOutcomes.rateLimited,
        gcUnavailable: this.#gcOutcomes.unavailable,
      },
      listenerErrors: this.#events.listenerErrors,
    }
  }

  #emit<E extends keyof MemoryEvents>(event: E, payload: MemoryEvents[E]) {
    if (!this.#closed) this.#events.emit(event, payload)
  }

  #assertOpen() {
    if (this.#closed) throw new MemoryManagerClosedError()
  }
}

function counters(): LevelCounters {
  return { actions: 0, hooksRun: 0, hookErrors: 0, hookTimeouts: 0, lastActionAt: 0 }
}
