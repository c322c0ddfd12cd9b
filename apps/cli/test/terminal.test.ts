import { spawn } from 'node:child_process'
import { captureOutput, waitFor } from '@bi-perf/test-services'
import { afterAll, describe, expect, it } from 'vitest'
import { ENTER_SCREEN, LEAVE_SCREEN } from '../src/ui/screen.js'
import {
  cleanEnv,
  cliBin,
  postgresUrl,
  redisUrl,
  removeRedisKeys,
  tempDir,
  uniquePrefix,
} from './helpers.js'

// The CLI in a real terminal: util-linux `script` gives it a pseudo-terminal (tmux need not be
// installed). Keys are typed into script's stdin, which it forwards to the terminal.
const prefix = uniquePrefix('tty')
const env = cleanEnv({
  REDIS_URL: redisUrl(),
  DATABASE_URL: postgresUrl(),
  BI_PERF_REDIS_PREFIX: prefix,
  BI_PERF_TASKS_QUEUE: `cli-tty-${process.pid}`,
  TERM: 'xterm-256color',
})

afterAll(async () => {
  await removeRedisKeys(prefix)
})

interface Terminal {
  output(): string
  type(keys: string): void
  exited: Promise<number | null>
}

/** Runs a shell line in a 100×30 pseudo-terminal. */
function terminal(line: string, extraEnv: Record<string, string> = {}): Terminal {
  const child = spawn('script', ['-qfec', `stty cols 100 rows 30; ${line}`, '/dev/null'], {
    cwd: tempDir(),
    env: { ...env, ...extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const output = captureOutput(child).all
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000)
  void exited.then(() => clearTimeout(timer))
  return { output, type: (keys) => child.stdin.write(keys), exited }
}

const monitorLine = `node ${cliBin} monitor --interval 200ms; echo "EXIT=$?"; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon'`

function frames(output: string): number {
  return output.split(/samples/).length - 1
}

describe('monitor on a terminal', () => {
  for (const [name, key] of [
    ['q', 'q'],
    ['Ctrl-C', '\u0003'],
  ] as const) {
    it(`draws live frames on the alternate screen and ${name} quits, restoring the terminal`, async () => {
      const term = terminal(monitorLine)
      await waitFor(() => frames(term.output()) >= 3, {
        timeoutMs: 30_000,
        what: `three monitor frames; got:\n${term.output()}`,
      })
      const screen = term.output()
      expect(screen).toContain(ENTER_SCREEN)
      for (const label of ['CPU', 'Memory', 'Loop delay', 'Hit rate', 'Task backlog'])
        expect(screen).toContain(label)
      expect(screen).toMatch(/[▁▂▃▄▅▆▇█]/)
      expect(screen).toContain('q quit')
      term.type(key)
      expect(await term.exited).toBe(0)
      const output = term.output()
      expect(output).toContain('EXIT=0')
      // The alternate screen was left and the cursor shown again after the last frame…
      expect(output.lastIndexOf(LEAVE_SCREEN)).toBeGreaterThan(output.lastIndexOf(ENTER_SCREEN))
      expect(output.lastIndexOf(LEAVE_SCREEN)).toBeGreaterThan(output.lastIndexOf('samples'))
      // …and raw mode was undone: the line discipline is canonical again.
      expect(output).toMatch(/^icanon\r?$/m)
    })
  }

  it('draws the later frames by rewriting only changed lines', async () => {
    const term = terminal(`node ${cliBin} monitor --interval 200ms --count 4`)
    expect(await term.exited).toBe(0)
    const output = term.output()
    const afterFirst = output.slice(output.indexOf('samples') + 'samples'.length)
    // The blank separator lines and the static labels of the component lines are drawn once.
    expect(output.split('tasks   backlog').length - 1).toBeLessThanOrEqual(2)
    expect(afterFirst).not.toContain(ENTER_SCREEN)
    expect(afterFirst).toContain('Task backlog')
  })
})

describe('clear-cache on a terminal', () => {
  it('asks before clearing everything and does nothing on no', async () => {
    const term = terminal(`node ${cliBin} clear-cache`)
    await waitFor(() => term.output().includes('[y/N]'), {
      timeoutMs: 30_000,
      what: 'the confirmation prompt',
    })
    expect(term.output()).toContain('Clear every key of the configured cache? [y/N]')
    term.type('n\r')
    expect(await term.exited).toBe(0)
    expect(term.output()).toContain('nothing cleared')
    expect(term.output()).not.toContain('removed')
  })

  it('clears everything after yes', async () => {
    const term = terminal(`node ${cliBin} clear-cache`)
    await waitFor(() => term.output().includes('[y/N]'), {
      timeoutMs: 30_000,
      what: 'the confirmation prompt',
    })
    term.type('y\r')
    expect(await term.exited).toBe(0)
    expect(term.output()).toMatch(/removed \d+ keys?/)
  })
})

// Select Graphic Rendition sequences: any of them, and the green / yellow / red of a state.
const SGR = new RegExp(String.raw`\u001B\[\d+m`)
const COLOUR = new RegExp(String.raw`\u001B\[3[1-3]m`)

describe('colours', () => {
  it('colours the status on a terminal', async () => {
    const term = terminal(`node ${cliBin} status`)
    expect(await term.exited).toBe(0)
    expect(term.output()).toMatch(COLOUR)
  })

  it('never colours with NO_COLOR', async () => {
    const term = terminal(`node ${cliBin} status`, { NO_COLOR: '1' })
    expect(await term.exited).toBe(0)
    expect(term.output()).toContain('profile')
    expect(term.output()).not.toMatch(SGR)
  })
})
