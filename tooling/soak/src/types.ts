import type { ConsistencyResult } from './consistency-check.js'
import type { FaultKind, FaultRecord } from './faults.js'
import type { ProcessMemory } from './memory.js'
import type { TrafficSummary } from './phases.js'
import type { ExitRecord } from './shutdown.js'
import type { TaskResult } from './task-ledger.js'

/** One pass/fail check of the run. */
export interface Criterion {
  /** Stable id, e.g. `socket-errors`. */
  id: string
  name: string
  passed: boolean
  /** A criterion that is only reported does not fail the run (memory in short runs). */
  enforced: boolean
  /** The numbers behind the verdict. */
  evidence: string
}

/** Everything a soak run measured; `report.json` is this object. */
export interface SoakReport {
  seed: number
  /** ISO time the run started. */
  startedAt: string
  /** Directory holding every process's log and probe file. */
  dir: string
  machine: { cores: number; node: string }
  settings: {
    durationMs: number
    warmupMs: number
    faultEveryMs: number
    graceMs: number
    rate: number
    connections: number
    exitDeadlineMs: number
    stalenessBoundMs: number
    pgRestart: boolean
    rotation: FaultKind[]
  }
  /** Epoch ms of the phase boundaries. */
  timeline: {
    mainStart: number
    mainEnd: number
    cutoff: number
    /** When the API's stdout stopped being read. */
    stallAt: number
    sigtermAt: number
  }
  faults: FaultRecord[]
  traffic: TrafficSummary
  tasks: TaskResult
  /** How long the drain wait took and whether every checked task completed in it. */
  drain: { ms: number; complete: boolean }
  consistency: ConsistencyResult
  memory: ProcessMemory[]
  exits: ExitRecord[]
  criteria: Criterion[]
  /** Every enforced criterion passed. */
  passed: boolean
}
