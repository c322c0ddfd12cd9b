import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** One JSON line a fixture printed. */
export type Line = { type: string } & Record<string, unknown>

/** What a fixture child did: its exit code, its JSON lines in order, and its stderr. */
export interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  lines: Line[]
  stderr: string
}

/**
 * Runs `test/fixtures/<name>.ts` in a fresh Node process (the package source through tsx) with
 * the given Node flags, and resolves when it exits. Killed by its own pid past the deadline.
 */
export async function runFixture(
  name: string,
  {
    nodeArgs = [],
    args = [],
    timeoutMs = 60_000,
  }: {
    nodeArgs?: string[]
    args?: string[]
    timeoutMs?: number
  } = {},
): Promise<ChildRun> {
  const script = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url))
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Line[] = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Line)
    } catch {
      lines.push({ type: 'unparsed', line })
    }
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  )
  clearTimeout(timer)
  return { code, signal, lines, stderr }
}
