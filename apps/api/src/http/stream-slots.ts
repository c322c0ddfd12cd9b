import { HttpError } from './errors.js'

/** Open event streams per caller, at most `maxPerCaller` each. */
export interface StreamSlots {
  /** The cap per caller. */
  readonly maxPerCaller: number
  /**
   * Takes one of `caller`'s slots and returns the function that gives it back (idempotent).
   *
   * @throws {HttpError} 429 `E_API_TOO_MANY_STREAMS` when `caller` holds every slot already.
   */
  take(caller: string): () => void
  /** How many streams `caller` holds open. */
  held(caller: string): number
}

/**
 * Counts the event streams each caller (a `callerId`: subject and role, or address) holds open
 * in this process. A stream holds a socket, a timer and a share of every sample for as long as
 * the client likes, so one token must not open them without bound.
 *
 * @example
 * const slots = createStreamSlots(5)
 * const release = slots.take(callerId(c)) // throws the 429 for a sixth stream
 * stream.onAbort(release)
 */
export function createStreamSlots(maxPerCaller: number): StreamSlots {
  const open = new Map<string, number>()
  return {
    maxPerCaller,
    take(caller) {
      const held = open.get(caller) ?? 0
      if (held >= maxPerCaller) {
        throw new HttpError(
          429,
          'E_API_TOO_MANY_STREAMS',
          `this token already holds ${held} open event streams, the most allowed (server.rateLimit.streams); close one first`,
          { limit: maxPerCaller },
        )
      }
      open.set(caller, held + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        const left = (open.get(caller) ?? 1) - 1
        // Callers without open streams leave no entry behind, so the map stays bounded.
        if (left > 0) open.set(caller, left)
        else open.delete(caller)
      }
    },
    held: (caller) => open.get(caller) ?? 0,
  }
}
