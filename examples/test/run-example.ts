import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Where the examples live; they run with it as their working directory. */
const EXAMPLES = fileURLToPath(new URL('..', import.meta.url))

/** Past this, a run counts as hung: an example must end by itself once it closed everything. */
const HANG_MS = 45_000

export interface ExampleRun {
  /** The exit code; `null` when the process was killed because it did not end. */
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The environment of an embedded run: the test's own, without any service URL or bi-perf setting,
 * so a REDIS_URL set in the developer's shell cannot turn an embedded run into a Redis one.
 */
export function embeddedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.keys(env)) {
    if (
      name.startsWith('BI_PERF_') ||
      ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'DATABASE_URL'].includes(name)
    ) {
      delete env[name]
    }
  }
  return env
}

/**
 * Runs `examples/<file>` in a child process, the way the README tells users to, except that the
 * `@bi-perf/source` condition loads the packages' TypeScript source (as every test of the
 * repository does), so the check needs no build. The process is never told to exit: it must end
 * by itself, which proves every timer and socket was closed.
 */
export function runExample(file: string, env: NodeJS.ProcessEnv): Promise<ExampleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@bi-perf/source', '--import', 'tsx', file],
      { cwd: EXAMPLES, env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const hung = setTimeout(() => child.kill('SIGKILL'), HANG_MS)
    child.once('error', (error) => {
      clearTimeout(hung)
      reject(error)
    })
    child.once('close', (code) => {
      clearTimeout(hung)
      resolve({ code, stdout, stderr })
    })
  })
}

/** The first line of `output` matching `pattern`, with its groups; fails the test when absent. */
export function line(output: string, pattern: RegExp): RegExpMatchArray {
  const flags = new Set([...pattern.flags.replace('g', ''), 'm'])
  const match = output.match(new RegExp(pattern.source, [...flags].join('')))
  if (!match) throw new Error(`no line matches ${pattern} in the output:\n${output}`)
  return match
}
