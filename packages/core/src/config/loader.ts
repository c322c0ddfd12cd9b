import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ConfigError, ConfigFileError } from '../errors.js'
import type { ConfigIssue } from '../errors.js'
import { readEnvironment } from './env.js'
import { plainWords, toConfigIssues } from './issues.js'
import { configSchema } from './schema.js'
import type { BiPerfConfig, BiPerfConfigInput } from './schema.js'
import { SourceMap, recordSources, setAt } from './sources.js'
import type { ConfigFileReading } from './yaml.js'

/** The file looked for in `cwd` when none is named. */
const DEFAULT_FILE = 'bi-perf.yaml'

/** Options of {@link loadConfig}. Every field is optional. */
export interface LoadConfigOptions {
  /**
   * The YAML configuration file, absolute or relative to `cwd`. It must exist.
   * @default env.BI_PERF_CONFIG, else `bi-perf.yaml` in `cwd` when that file exists
   */
  file?: string
  /**
   * The environment to read settings from. Pass `{}` to ignore the environment.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>
  /**
   * The directory a relative `file` and the default `bi-perf.yaml` are found in.
   * @default process.cwd()
   */
  cwd?: string
}

/**
 * Loads the bi-perf configuration: built-in defaults, overridden by the YAML file, overridden by
 * environment variables, merged setting by setting, then validated as a whole. Durations come
 * out in milliseconds and byte sizes in bytes. Settings without a default stay absent so the
 * active profile supplies them.
 *
 * @throws {ConfigFileError} the named file does not exist or cannot be read, or is not valid YAML
 * @throws {ConfigError} listing every invalid or unknown setting, each with the file line or
 *   environment variable it came from; secret values are never shown
 *
 * @example
 * // bi-perf.yaml holds `cache: { ttl: 5m }`; the environment has BI_PERF_CACHE_L1_MAX_BYTES=64MiB
 * const config = await loadConfig()
 * config.cache.ttl // 300_000
 * config.cache.l1.maxBytes // 67_108_864
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<BiPerfConfig> {
  // The one place a bi-perf package reads process.env, and only when no env is passed.
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const named = options.file ?? (env.BI_PERF_CONFIG || undefined)
  const file = named === undefined ? await readDefaultFile(cwd) : await readNamedFile(named, cwd)
  const values = file?.values ?? {}
  const sources = file?.sources ?? new SourceMap()
  const fromEnv = readEnvironment(env)
  for (const setting of fromEnv.settings) {
    setAt(values, setting.path, setting.value)
    sources.override(setting.path, setting.source)
  }
  return validate(values, sources, fromEnv.issues)
}

/**
 * Validates configuration given in code and fills in the defaults, as {@link loadConfig} does
 * for a file; issues name `code` (or `default`) as their source.
 *
 * @throws {ConfigError} listing every invalid or unknown setting
 *
 * @example
 * const config = resolveConfig({ profile: 'performance', cache: { ttl: '5m' } })
 * config.cache.ttl // 300_000
 */
export function resolveConfig(input: BiPerfConfigInput): BiPerfConfig {
  const sources = new SourceMap()
  recordSources(sources, input, 'code')
  return validate(input, sources, [])
}

function validate(values: unknown, sources: SourceMap, earlier: ConfigIssue[]): BiPerfConfig {
  const result = configSchema.safeParse(values, { error: plainWords, reportInput: true })
  const issues = result.success
    ? earlier
    : [...earlier, ...toConfigIssues(result.error.issues, sources)]
  // No `cause`: zod's error carries the raw input, secrets included.
  if (issues.length > 0 || !result.success) throw new ConfigError(issues)
  return result.data
}

async function readDefaultFile(cwd: string): Promise<ConfigFileReading | undefined> {
  const text = await readText(resolve(cwd, DEFAULT_FILE), DEFAULT_FILE, { optional: true })
  return text === undefined ? undefined : parseYaml(text, DEFAULT_FILE)
}

async function readNamedFile(file: string, cwd: string): Promise<ConfigFileReading> {
  const text = await readText(resolve(cwd, file), file, { optional: false })
  return parseYaml(text ?? '', file)
}

/** The YAML parser (72 CommonJS modules) is loaded only when a file is read, not at every start. */
async function parseYaml(text: string, file: string): Promise<ConfigFileReading> {
  const { parseConfigYaml } = await import('./yaml.js')
  return parseConfigYaml(text, file)
}

async function readText(
  path: string,
  shown: string,
  { optional }: { optional: boolean },
): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && optional) return undefined
    const reason =
      code === 'ENOENT'
        ? `no such file (looked for ${path})`
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : `read failed (${code ?? 'unknown error'})`
    throw new ConfigFileError(shown, reason, { cause: error })
  }
}
