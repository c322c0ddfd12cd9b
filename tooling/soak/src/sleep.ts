/**
 * Resolves after `ms` on an unref'd timer (the harness never stays alive for a timer alone);
 * with a `signal`, rejects as soon as it aborts, or resolves instead when `quiet` is set.
 *
 * @example
 * await sleep(1_000, options.signal)
 */
export function sleep(ms: number, signal?: AbortSignal, { quiet = false } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => (quiet ? resolve() : reject(new Error('soak aborted')))
    if (signal?.aborted) return aborted()
    const timer = setTimeout(resolve, Math.max(0, ms))
    timer.unref()
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        aborted()
      },
      { once: true },
    )
  })
}
