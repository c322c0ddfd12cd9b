/** A request from the harness to a cache peer process. */
export type PeerRequest =
  | { id: number; op: 'set'; key: string; value: number }
  | { id: number; op: 'get'; key: string }
  | { id: number; op: 'state' }

/** What a peer reports about its Redis side (a subset of `cache.stats().l2`). */
export interface PeerState {
  connection: string
  breaker: string
  pendingInvalidations: number
  subscribed: boolean
}

/** A peer's answer, matched to its request by `id`. */
export interface PeerReply {
  id: number
  /** `set`: whether Redis acknowledged the write (else it fell back to the in-process tier). */
  reached?: boolean
  /** `get`: the value, `null` for a miss. */
  value?: number | null
  /** `get`: the read skipped Redis or its Redis command failed (a miss is then a fallback). */
  redisFailed?: boolean
  /** `state`. */
  state?: PeerState
  /** The call threw (it never should). */
  error?: string
}

/** Whether a peer is fully back: connected, breaker closed, journal replayed, bus subscribed. */
export function peerHealthy(state: PeerState): boolean {
  return (
    state.connection === 'ready' &&
    state.breaker === 'closed' &&
    state.pendingInvalidations === 0 &&
    state.subscribed
  )
}
