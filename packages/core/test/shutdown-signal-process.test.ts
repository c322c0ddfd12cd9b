import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

interface Ended {
  code: number | null
  signal: NodeJS.Signals | null
  /** Milliseconds from the first SIGTERM to the exit. */
  ms: number
  stdout: string
}

/**
 * Runs fixtures/stuck-shutdown-child.ts in `mode` with the handler `timeout`, sends SIGTERM once
 * it is ready (and again after "shutting down" when `twice`), and resolves when it ended. Killed
 * after 30 s.
 */
function stuckShutdown(mode: string, timeout = '1s', twice = false): Promise<Ended> {
  const script = fileURLToPath(new URL('fixtures/stuck-shutdown-child.ts', import.meta.url))
  const child = spawn(
    process.execPath,
    ['--conditions=@bi-perf/source', '--import', 'tsx', script, mode, timeout],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let stdout = ''
  let signalledAt = 0
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (signalledAt === 0 && stdout.includes('ready\n')) {
      signalledAt = performance.now()
      child.kill('SIGTERM')
    }
    if (twice && stdout.includes('shutting down\n')) {
      twice = false
      child.kill('SIGTERM')
    }
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, ms: performance.now() - signalledAt, stdout })
    })
  })
}

describe('onShutdownSignal deadline', () => {
  // timeout 1 s + killAfter 1 s in the fixture; 15 s is far beyond any scheduling delay.
  it.each(['busy', 'wait'])(
    'kills a process whose handler blocks the main thread (%s) at timeout + killAfter',
    async (mode) => {
      const ended = await stuckShutdown(mode)
      expect(ended.stdout).toContain('shutting down')
      expect(ended.signal).toBe('SIGKILL')
      expect(ended.ms).toBeGreaterThanOrEqual(1_900)
      expect(ended.ms).toBeLessThan(15_000)
    },
    30_000,
  )

  it('exits 1 at the timeout when the handler never settles', async () => {
    const ended = await stuckShutdown('pending')
    expect(ended.code).toBe(1)
    expect(ended.signal).toBeNull()
    expect(ended.ms).toBeGreaterThanOrEqual(900)
    expect(ended.ms).toBeLessThan(15_000)
  }, 30_000)

  it('exits 1 once nothing is left that could settle the handler', async () => {
    const ended = await stuckShutdown('stranded')
    expect(ended.code).toBe(1)
    expect(ended.signal).toBeNull()
  }, 30_000)

  it('exits 1 at once on a second signal', async () => {
    // A 20 s timeout: only the second signal can end it within the 15 s bound.
    const ended = await stuckShutdown('pending', '20s', true)
    expect(ended.code).toBe(1)
    expect(ended.signal).toBeNull()
    expect(ended.ms).toBeLessThan(15_000)
  }, 30_000)
})
