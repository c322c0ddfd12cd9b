import { HookTimeoutError } from './errors.js'
import type { PressureContext, PressureHook, PressureLevel } from './types.js'

/** How the hooks of one action ended. */
export interface HookOutcome {
  run: number
  failed: number
  timedOut: number
}

/**
 * Calls every hook (synchronous ones run before this returns its promise), then waits for the
 * async ones up to `timeoutMs` each. Nothing thrown by a hook escapes: each failure goes to
 * `onError` and is counted.
 */
export async function runHooks(
  hooks: readonly PressureHook[],
  context: PressureContext,
  timeoutMs: number,
  onError: (error: unknown, timedOut: boolean) => void,
): Promise<HookOutcome> {
  const outcome: HookOutcome = { run: 0, failed: 0, timedOut: 0 }
  const pending: Promise<void>[] = []
  for (const hook of hooks) {
    outcome.run++
    let result: unknown
    try {
      result = hook(context)
    } catch (error) {
      outcome.failed++
      onError(error, false)
      continue
    }
    if (isThenable(result)) {
      pending.push(
        settle(result, context.level, timeoutMs).then((failure) => {
          if (failure === undefined) return
          if (failure.timedOut) outcome.timedOut++
          else outcome.failed++
          onError(failure.error, failure.timedOut)
        }),
      )
    }
  }
  await Promise.all(pending)
  return outcome
}

async function settle(
  result: PromiseLike<unknown>,
  level: PressureLevel,
  timeoutMs: number,
): Promise<{ error: unknown; timedOut: boolean } | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
    timer.unref()
  })
  try {
    // Promise.race subscribes to the hook's promise, so a rejection after the timeout is
    // handled (ignored) rather than reported as unhandled.
    const winner = await Promise.race([
      Promise.resolve(result).then(() => 'done' as const),
      timeout,
    ])
    return winner === 'timeout'
      ? { error: new HookTimeoutError(level, timeoutMs), timedOut: true }
      : undefined
  } catch (error) {
    return { error, timedOut: false }
  } finally {
    clearTimeout(timer)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
