import type { ResolvedBackoff } from './options.js'

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based): exponential (or
 * fixed) from `delay`, capped at `maxDelay`, then drawn uniformly from
 * `[capped × (1 − jitter), capped]`. Full jitter (`jitter: 1`) spreads the retries of tasks that
 * failed together, so a recovering dependency is not hit by all of them at once.
 */
export function backoffDelay(
  attempt: number,
  backoff: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  const base =
    backoff.type === 'fixed' ? backoff.delay : backoff.delay * 2 ** Math.max(0, attempt - 1)
  const capped = Math.min(base, backoff.maxDelay)
  return Math.round(capped * (1 - backoff.jitter * random()))
}

/** The bounds {@link backoffDelay} stays within for one attempt. */
export function backoffBounds(attempt: number, backoff: ResolvedBackoff): [number, number] {
  const capped = Math.min(
    backoff.type === 'fixed' ? backoff.delay : backoff.delay * 2 ** Math.max(0, attempt - 1),
    backoff.maxDelay,
  )
  return [Math.floor(capped * (1 - backoff.jitter)), Math.ceil(capped)]
}

const TYPE_PREFIX = 'bi-perf'

/**
 * BullMQ stores a job's backoff as `{ type, delay }` and hands `type` to the worker's custom
 * strategy. Encoding the producer's whole policy in `type` makes each job carry its own cap and
 * jitter, so workers configured differently still honour what the producer asked for.
 */
export function encodeBackoff(backoff: ResolvedBackoff): string {
  return `${TYPE_PREFIX}:${backoff.type}:${backoff.delay}:${backoff.maxDelay}:${backoff.jitter}`
}

/** The inverse of {@link encodeBackoff}; `undefined` for a type this package did not write. */
export function decodeBackoff(type: string | undefined): ResolvedBackoff | undefined {
  if (!type?.startsWith(`${TYPE_PREFIX}:`)) return undefined
  const [, kind, delay, maxDelay, jitter] = type.split(':')
  const parsed = {
    type: kind === 'fixed' ? ('fixed' as const) : ('exponential' as const),
    delay: Number(delay),
    maxDelay: Number(maxDelay),
    jitter: Number(jitter),
  }
  return [parsed.delay, parsed.maxDelay, parsed.jitter].every(Number.isFinite) ? parsed : undefined
}
