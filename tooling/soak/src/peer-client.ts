import type { Managed } from './supervisor.js'
import type { PeerReply, PeerRequest } from './peer-protocol.js'

/** Distributes `Omit` over the union, so each request keeps its own fields. */
type Unsent<T> = T extends unknown ? Omit<T, 'id'> : never

/**
 * The harness side of a cache peer: sends requests over IPC and matches the replies, each with
 * a timeout (a cache call that does not answer within it is itself a finding).
 *
 * @example
 * const writer = new PeerClient(managed, 2_000)
 * const reply = await writer.request({ op: 'set', key: 'k1', value: 7 })
 */
export class PeerClient {
  readonly #pending = new Map<number, (reply: PeerReply | undefined) => void>()
  #next = 0

  constructor(
    readonly managed: Managed,
    readonly timeoutMs: number,
  ) {
    managed.child.on('message', (reply: PeerReply) => {
      this.#pending.get(reply.id)?.(reply)
    })
    void managed.exited.then(() => {
      for (const settle of this.#pending.values()) settle(undefined)
    })
  }

  /** Resolves with the reply, or `undefined` after the timeout or when the peer is gone. */
  request(request: Unsent<PeerRequest>): Promise<PeerReply | undefined> {
    const id = ++this.#next
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), this.timeoutMs)
      timer.unref()
      const settle = (reply: PeerReply | undefined) => {
        clearTimeout(timer)
        this.#pending.delete(id)
        resolve(reply)
      }
      this.#pending.set(id, settle)
      const child = this.managed.child
      if (!child.connected) return settle(undefined)
      child.send({ ...request, id }, (error) => error && settle(undefined))
    })
  }
}
