import type { FaultKind, FaultRecord } from './faults.js'
import { injectFault } from './faults.js'
import type { ResolvedSoakOptions } from './options.js'
import type { SoakRandom } from './random.js'
import { waitRecovered } from './recovery.js'
import { sleep } from './sleep.js'
import type { Topology } from './topology.js'

/** How long a fault's probe may take to turn green before the fault counts as unrecovered. */
const RECOVERY_DEADLINE_MS = 60_000

/**
 * Injects faults in rotation from `mainStart + faultEvery` until `mainEnd`, each followed by its
 * recovery probe; a fault waits for the previous one's window (recovery plus grace) to close.
 * A fault that cannot be injected is recorded as such and probed like the others.
 *
 * @example
 * const faults = await injectFaults(topology, options, random, rotation, mainStart, mainEnd)
 */
export async function injectFaults(
  topology: Topology,
  options: ResolvedSoakOptions,
  random: SoakRandom,
  rotation: readonly FaultKind[],
  mainStart: number,
  mainEnd: number,
): Promise<FaultRecord[]> {
  const faults: FaultRecord[] = []
  let nextAt = mainStart + options.faultEveryMs
  for (let i = 0; ; i++) {
    // A little jitter, so faults do not line up with the 30 s profile switches or timers.
    const at = nextAt + random.int(0, 1_000)
    if (at >= mainEnd) break
    await sleep(at - Date.now(), options.signal)
    const kind = rotation[i % rotation.length]!
    let record: FaultRecord
    try {
      record = await injectFault(kind, topology, random)
    } catch (error) {
      options.log(`soak: ${kind} could not be injected: ${String(error)}`)
      record = {
        kind,
        detail: `injection failed: ${String(error)}`,
        injectedAt: at,
        restoredAt: Date.now(),
      }
    }
    faults.push(record)
    const outcome = await waitRecovered(
      kind,
      topology,
      record.injectedAt,
      RECOVERY_DEADLINE_MS,
      options.signal,
    )
    if ('recoveredAt' in outcome) record.recoveredAt = outcome.recoveredAt
    else Object.assign(record, { probeEndedAt: Date.now(), lastProbe: outcome.lastProbe })
    options.log(
      `soak: +${((record.injectedAt - mainStart) / 1000).toFixed(1)} s ${kind}: ${record.detail}; ${record.recoveredAt ? `recovered after ${((record.recoveredAt - record.injectedAt) / 1000).toFixed(1)} s` : `NOT recovered (${record.lastProbe})`}`,
    )
    nextAt = Math.max(mainStart + (i + 2) * options.faultEveryMs, Date.now() + options.graceMs)
  }
  return faults
}
