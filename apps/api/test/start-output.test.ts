import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { captureOutput } from '@bi-perf/test-services'
import { afterAll, describe, expect, it } from 'vitest'
import { killApiProcesses, startApi } from './api-process.js'
import { postgresUrl, freePort, newSecret, redisUrl, uniqueName, waitFor } from './helpers.js'

// What the server prints at start: a banner for people on a terminal (util-linux `script` gives
// it a pseudo-terminal), JSON lines on a pipe or when asked.
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const prefix = uniqueName('start')
const services = {
  REDIS_URL: redisUrl(),
  DATABASE_URL: postgresUrl(),
  BI_PERF_REDIS_PREFIX: prefix,
  BI_PERF_TASKS_QUEUE: prefix,
}

afterAll(() => killApiProcesses())

interface Terminal {
  output(): string
  stop(): Promise<void>
}

/** Runs the server from its sources in a pseudo-terminal, with only `env`. */
async function onTerminal(env: Record<string, string>): Promise<Terminal & { url: string }> {
  const port = await freePort()
  const command = 'exec node --conditions=@bi-perf/source --import tsx src/main.ts'
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TERM: 'xterm',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const output = captureOutput(child)
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
  const terminal = {
    url: `http://127.0.0.1:${port}`,
    output: () => output.all().replace(/\r/g, ''),
    async stop() {
      child.kill('SIGTERM')
      await closed
    },
  }
  try {
    await waitFor(() => terminal.output().includes('listening on'), {
      timeoutMs: 45_000,
      what: `the server on a terminal:\n${terminal.output()}`,
    })
  } catch (error) {
    await terminal.stop()
    throw error
  }
  return terminal
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('start-up output', { timeout: 60_000 }, () => {
  it('prints a banner with the backends and the token command on a terminal with a secret', async () => {
    const terminal = await onTerminal({ ...services, BI_PERF_JWT_SECRET: newSecret() })
    try {
      const output = terminal.output()
      expect(output).toContain(`listening on ${terminal.url}\n`)
      expect(output).toContain(
        `  dashboard  ${terminal.url}/ — sign in with a token: run \`bi-performance token --role admin\``,
      )
      expect(output).toContain('  profile    balanced (production)')
      expect(output).toContain('  database   PostgreSQL 127.0.0.1:5432/test')
      expect(output).toContain(`  tasks      Redis 127.0.0.1:6379, queue "${prefix}"`)
      expect(output).toContain('  cache      L1 in process + Redis 127.0.0.1:6379')
      expect(output).toMatch(/^\d\d:\d\d:\d\d WARN {2}GET \/metrics answers 401/m)
      expect(jsonLines(output)).toEqual([])
    } finally {
      await terminal.stop()
    }
  })

  it('prints the one-time dashboard link and the embedded backends without a secret', async () => {
    const terminal = await onTerminal({ NODE_ENV: 'development' })
    try {
      const output = terminal.output()
      expect(output).toMatch(
        new RegExp(
          `  dashboard  ${terminal.url}/#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+ \\(admin, valid 12 h`,
        ),
      )
      expect(output).toContain('  database   embedded PGlite (in memory')
      expect(output).toContain('  tasks      in-process queue')
      expect(output).toContain('  cache      L1 only (in process)')
      expect(jsonLines(output)).toEqual([])
    } finally {
      await terminal.stop()
    }
  })

  it('keeps JSON lines on a terminal with BI_PERF_LOG_FORMAT=json', async () => {
    const terminal = await onTerminal({
      ...services,
      BI_PERF_JWT_SECRET: newSecret(),
      BI_PERF_LOG_FORMAT: 'json',
    })
    try {
      const lines = jsonLines(terminal.output())
      expect(lines.map((line) => line.msg)).toContain(`bi-perf-api listening on ${terminal.url}`)
      expect(terminal.output()).not.toContain('  dashboard  ')
    } finally {
      await terminal.stop()
    }
  })

  it('writes JSON lines on a pipe, naming the dashboard and how to sign in', async () => {
    const api = await startApi({ ...services, BI_PERF_JWT_SECRET: newSecret() })
    await waitFor(() => api.stdout().includes('"dashboard: '), { timeoutMs: 10_000 })
    const lines = jsonLines(api.stdout())
    expect(api.stdout().split('\n').filter(Boolean)).toHaveLength(lines.length)
    const listening = lines.find((line) => line.msg === `bi-perf-api listening on ${api.url}`)
    expect(listening).toMatchObject({ level: 'info', dashboard: `${api.url}/` })
    const dashboard = lines.find((line) => String(line.msg).startsWith('dashboard: '))
    expect(dashboard?.msg).toContain('bi-performance token --role admin')
  })
})
