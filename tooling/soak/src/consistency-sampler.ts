import type { PeerClient } from './peer-client.js'
import { peerHealthy, type PeerState } from './peer-protocol.js'
import type { SoakRandom } from './random.js'
import { sleep } from './sleep.js'

/** Keys the writer cycles through (few, so the reader hits recently written ones). */
const KEYS = 8
/** How often both peers report their Redis state. */
const STATE_EVERY_MS = 100

/** One write through the writer peer. */
export interface WriteSample {
  key: string
  version: number
  sentAt: number
  /** When the reply arrived; unset when the peer did not answer in time. */
  ackAt?: number
  /** Whether Redis acknowledged it (else it fell back to the writer's in-process tier). */
  reached?: boolean
}

/** One read through the reader peer. */
export interface ReadSample {
  key: string
  sentAt: number
  replyAt?: number
  /** The version read; `null` for a miss; unset when the peer did not answer in time. */
  value?: number | null
  /** The reader's Redis command failed or was skipped (its miss is a fallback, not a loss). */
  redisFailed?: boolean
}

/** One state report of a peer. */
export interface StateSample {
  at: number
  peer: 'writer' | 'reader'
  /** Unset when the peer did not answer in time. */
  state?: PeerState
  healthy: boolean
}

/** What the sampler collected. */
export interface ConsistencySamples {
  writes: WriteSample[]
  reads: ReadSample[]
  states: StateSample[]
}

/**
 * Drives two cache peers sharing the private Redis: the writer sets `k0`…`k7` to increasing
 * versions one write at a time, the reader reads random keys meanwhile, and both report their
 * Redis state every 100 ms. The samples are judged afterwards ({@link checkConsistency}).
 *
 * @example
 * const sampler = startConsistencySampler(writer, reader, random)
 * const samples = await sampler.stop()
 */
export function startConsistencySampler(
  writer: PeerClient,
  reader: PeerClient,
  random: SoakRandom,
): { stop(): Promise<ConsistencySamples> } {
  const samples: ConsistencySamples = { writes: [], reads: [], states: [] }
  const versions = new Map<string, number>()
  let stopped = false

  const writes = async () => {
    while (!stopped) {
      const key = `k${random.int(0, KEYS - 1)}`
      const version = (versions.get(key) ?? 0) + 1
      versions.set(key, version)
      const sample: WriteSample = { key, version, sentAt: Date.now() }
      samples.writes.push(sample)
      const reply = await writer.request({ op: 'set', key, value: version })
      if (reply && reply.error === undefined) {
        sample.ackAt = Date.now()
        sample.reached = reply.reached === true
      }
      await sleep(random.int(10, 40))
    }
  }
  const reads = async () => {
    while (!stopped) {
      const key = `k${random.int(0, KEYS - 1)}`
      const sample: ReadSample = { key, sentAt: Date.now() }
      samples.reads.push(sample)
      const reply = await reader.request({ op: 'get', key })
      if (reply && reply.error === undefined) {
        sample.replyAt = Date.now()
        sample.value = reply.value ?? null
        sample.redisFailed = reply.redisFailed === true
      }
      await sleep(random.int(5, 20))
    }
  }
  const states = async () => {
    while (!stopped) {
      const at = Date.now()
      const [w, r] = await Promise.all([
        writer.request({ op: 'state' }),
        reader.request({ op: 'state' }),
      ])
      for (const [peer, reply] of [
        ['writer', w],
        ['reader', r],
      ] as const) {
        const state = reply?.state
        samples.states.push({ at, peer, state, healthy: state ? peerHealthy(state) : false })
      }
      await sleep(STATE_EVERY_MS)
    }
  }
  const loops = Promise.all([writes(), reads(), states()])
  return {
    stop: async () => {
      stopped = true
      await loops
      return samples
    },
  }
}

/** The latest state of both peers: healthy when both are (see `peerHealthy`). */
export async function peersHealthy(writer: PeerClient, reader: PeerClient): Promise<boolean> {
  const replies = await Promise.all([
    writer.request({ op: 'state' }),
    reader.request({ op: 'state' }),
  ])
  return replies.every((reply) => reply?.state !== undefined && peerHealthy(reply.state))
}
