import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { redisUrl } from '@bi-perf/test-services'

interface ChildResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a fixture on sources; `onReady` runs once it printed "ready". Killed after 30 s. */
function runFixture(
  name: string,
  args: string[] = [],
  onReady?: (pid: number) => void,
): Promise<ChildResult> {
  const script = fileURLToPath(new URL(`fixtures/${name}`, import.meta.url))
  const child = spawn(
    process.execPath,
    ['--conditions=@bi-perf/source', '--import', 'tsx', script, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (onReady && stdout.includes('ready\n')) {
      onReady(child.pid!)
      onReady = undefined
    }
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('lifecycle', () => {
  it('lets the process exit by itself after stop(), with Redis, BullMQ and PGlite', async () => {
    const result = await runFixture('exit-child.ts', [redisUrl()])
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('stopped {"clean":true,"problems":[]}')
    expect(result.code).toBe(0)
  }, 40_000)

  it('stops every component on SIGTERM and exits 0', async () => {
    const result = await runFixture('signal-child.ts', [], (pid) => process.kill(pid, 'SIGTERM'))
    expect(result.stdout).toContain('stopped {"clean":true,"problems":[]}')
    expect(result.code).toBe(0)
  }, 40_000)
})
