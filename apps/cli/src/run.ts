import { CommanderError } from 'commander'
import type { CliIo, RunState } from './context.js'
import { CliError, missingDependency } from './errors.js'
import { createProgram, type Binary } from './program.js'
import { createStyle } from './ui/style.js'

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Runs one command line and resolves with the exit code: 0 ok, 1 the checked thing failed,
 * 2 usage, configuration, connection or token error. Errors are printed as one line on stderr.
 *
 * @example
 * process.exitCode = await runCli('bi-performance', process.argv.slice(2), io)
 */
export async function runCli(binary: Binary, args: readonly string[], io: CliIo): Promise<number> {
  const state: RunState = { exitCode: 0 }
  const program = createProgram(binary, { io, state })
  try {
    await program.parseAsync([...args], { from: 'user' })
    return state.exitCode
  } catch (error) {
    // commander already printed its message (and the help); --help and --version exit 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    const style = createStyle(io.stderr, io.env)
    const known = error instanceof CliError ? error : missingDependency(error)
    if (known) {
      io.stderr.write(`${style.red(`${binary}: ${describe(known)}`)}\n`)
      return known.exitCode
    }
    io.stderr.write(`${style.red(`${binary}: unexpected error: ${describe(error)}`)}\n`)
    return 1
  }
}

/** The io of this process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  }
}

/**
 * Entry point of the executables: runs `process.argv` and exits with its code. Exits explicitly
 * because a library may leave a handle open after a local command (the optimizer is stopped).
 */
export async function main(binary: Binary): Promise<void> {
  // `bi-performance metrics | head -1` closes the pipe early: that is not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
  const code = await runCli(binary, process.argv.slice(2), processIo())
  // Let stdout drain to a pipe before exiting.
  process.stdout.write('', () => process.exit(code))
}
