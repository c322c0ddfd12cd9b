import type { Command } from 'commander'
import { createApiClient, type ApiClient } from './api-client.js'
import { UsageError } from './errors.js'
import type { LocalSettings } from './local-config.js'
import type { LocalSourceOptions } from './local-source.js'
import type { Source } from './source.js'
import { createStyle, type OutputStream, type Style } from './ui/style.js'

/** The process's streams and environment, injected so commands can be run in tests. */
export interface CliIo {
  stdout: OutputStream
  stderr: OutputStream
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown }
  env: Record<string, string | undefined>
  cwd: string
}

/** State shared by the commands of one run: the exit code a command chose without throwing. */
export interface RunState {
  exitCode: number
}

/** What every command gets: the io, the connection options and helpers to print. */
export interface CommandContext {
  readonly io: CliIo
  readonly state: RunState
  /** Colours for stdout. */
  readonly style: Style
  /** Colours for stderr. */
  readonly errStyle: Style
  /** The API URL from `--url` or `BI_PERF_URL`; `undefined` means local mode. */
  readonly url: string | undefined
  readonly token: string | undefined
  readonly timeoutMs: number
  readonly local: LocalSettings
  /** The API client; throws a usage error in local mode. */
  api(): ApiClient
  /**
   * The remote source with `--url`, else an optimizer started in this process; `options` apply
   * to local mode only.
   */
  openSource(options?: LocalSourceOptions): Promise<Source>
  /** Writes lines to stdout. */
  print(lines: string | readonly string[]): void
  /** Writes one JSON document to stdout. */
  printJson(document: unknown): void
  /** Writes a note to stderr (never mixed into stdout, which scripts parse). */
  note(text: string): void
}

interface GlobalOptions {
  url?: string
  token?: string
  config?: string
  timeout?: number
}

function checkUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError(
      `invalid API URL "${url}": expected e.g. http://127.0.0.1:8080 (--url or BI_PERF_URL)`,
    )
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`invalid API URL "${url}": only http:// and https:// are supported`)
  }
  return url
}

/**
 * The context of the command being run, from its options and its parents' (`--url`, `--token`,
 * `--config`, `--timeout`) with `BI_PERF_URL` / `BI_PERF_TOKEN` as fallbacks.
 */
export function createContext(command: Command, io: CliIo, state: RunState): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>()
  const rawUrl = options.url ?? (io.env.BI_PERF_URL || undefined)
  const url = rawUrl === undefined ? undefined : checkUrl(rawUrl)
  const token = options.token ?? (io.env.BI_PERF_TOKEN || undefined)
  const timeoutMs = options.timeout ?? 10_000
  const local: LocalSettings = { configFile: options.config, env: io.env, cwd: io.cwd }

  const context: CommandContext = {
    io,
    state,
    style: createStyle(io.stdout, io.env),
    errStyle: createStyle(io.stderr, io.env),
    url,
    token,
    timeoutMs,
    local,
    api() {
      if (url === undefined)
        throw new UsageError('this needs an API: pass --url or set BI_PERF_URL')
      return createApiClient({ url, token, timeoutMs })
    },
    async openSource(options = {}) {
      if (url !== undefined) {
        const { createRemoteSource } = await import('./remote-source.js')
        return createRemoteSource(context.api())
      }
      const { openLocalSource } = await import('./local-source.js')
      return openLocalSource(local, options)
    },
    print(lines) {
      const text = typeof lines === 'string' ? lines : lines.join('\n')
      io.stdout.write(`${text}\n`)
    },
    printJson(document) {
      io.stdout.write(`${JSON.stringify(document, null, 2)}\n`)
    },
    note(text) {
      io.stderr.write(`${context.errStyle.dim(text)}\n`)
    },
  }
  return context
}

/** Runs `fn` with a source and always closes the source (stops a local optimizer). */
export async function withSource<T>(
  context: CommandContext,
  options: LocalSourceOptions,
  fn: (source: Source) => Promise<T>,
): Promise<T> {
  const source = await context.openSource(options)
  try {
    return await fn(source)
  } finally {
    await source.close()
  }
}
