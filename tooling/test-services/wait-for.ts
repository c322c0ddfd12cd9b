/** How long {@link waitFor} and {@link waitForValue} poll, and what the timeout error names. */
export interface WaitOptions {
  /** Deadline in milliseconds (default 5,000). */
  timeoutMs?: number
  /** Named in the timeout error, e.g. `'the worker to pick up job 3'`. */
  what?: string
  /** Pause between attempts in milliseconds (default 10). */
  intervalMs?: number
}

/**
 * Polls until `produce` returns something other than `undefined` or `false`, and returns it.
 * Fails with an error naming `what` after the deadline, so a hung condition never hangs a test.
 */
export async function waitForValue<T>(
  produce: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 5_000, what = 'condition', intervalMs = 10 }: WaitOptions = {},
): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await produce()
    if (value !== undefined && value !== false) return value
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Polls until the condition holds and returns how long that took, in milliseconds. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitOptions = {},
): Promise<number> {
  const started = Date.now()
  await waitForValue(async () => (await condition()) || undefined, options)
  return Date.now() - started
}
