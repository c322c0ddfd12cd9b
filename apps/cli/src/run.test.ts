import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { CliIo } from './context.js'
import { usageLine } from './program.js'
import { runCli } from './run.js'

function io(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  return {
    io: { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: '/' },
    out: () => out,
    err: () => err,
  }
}

describe('runCli', () => {
  it('prints the help of a command and exits 0', async () => {
    const { io: streams, out } = io()
    expect(await runCli('bi-performance', ['benchmark', '--help'], streams)).toBe(0)
    expect(out()).toContain('--compare <base.json>')
    expect(out()).toContain('--max-regression <percent>')
  })

  it('maps commander usage errors to exit code 2', async () => {
    const { io: streams, err } = io()
    expect(await runCli('bi-performance', ['metrics', '--section', 'gpu'], streams)).toBe(2)
    expect(err()).toBe(
      "bi-performance: option '--section <name>' argument 'gpu' is invalid. Allowed choices are cache, db, tasks, memory, system; see bi-performance metrics --help\n",
    )
  })

  it('rejects a URL that is not http(s) with exit 2 before any request', async () => {
    const { io: streams, err } = io()
    expect(await runCli('bi-performance', ['status', '--url', 'ftp://example'], streams)).toBe(2)
    expect(err()).toBe(
      'bi-performance: invalid API URL "ftp://example": only http:// and https:// are supported\n',
    )
  })

  it('turns commander’s message and suggestion into one line ending with where to look', () => {
    expect(
      usageLine("error: unknown command 'statsu'\n(Did you mean status?)\n", ['bi-performance']),
    ).toBe("unknown command 'statsu' (did you mean status?); see bi-performance --help")
    expect(usageLine("error: too many arguments for 'status'.", ['bi-perf', 'performance'])).toBe(
      "too many arguments for 'status'; see bi-perf performance --help",
    )
  })

  it('prints the version', async () => {
    const { io: streams, out } = io()
    expect(await runCli('bi-perf', ['--version'], streams)).toBe(0)
    expect(out()).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})
