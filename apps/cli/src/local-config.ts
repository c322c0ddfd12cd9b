import type { BiPerfConfig } from '@bi-perf/core'
import { ConfigurationError } from './errors.js'

/** Where local mode finds its configuration. */
export interface LocalSettings {
  /** A configuration file (`--config`); otherwise core's loader looks at `BI_PERF_CONFIG` and the cwd. */
  configFile?: string | undefined
  env: Record<string, string | undefined>
  cwd: string
}

/** Core's configuration errors, matched on their stable codes (the loader is a separate entry). */
const CONFIG_ERROR_CODES: ReadonlySet<string> = new Set([
  'E_CORE_INVALID_CONFIG',
  'E_CORE_CONFIG_FILE',
])

function isConfigError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    CONFIG_ERROR_CODES.has(String((error as Error & { code?: unknown }).code))
  )
}

function oneLine(text: string): string {
  const [head = '', ...rest] = text
    .split('\n')
    .map((line) => line.trim().replace(/^- /, ''))
    .filter((line) => line !== '')
  return rest.length === 0 ? head : `${head} ${rest.join('; ')}`
}

/**
 * The configuration, as core's loader reads it; its errors become one-line CLI errors (exit 2).
 * Imports only the loader (`@bi-perf/core/config`), not the whole of core.
 *
 * @example
 * const config = await loadLocalConfig({ env: process.env, cwd: process.cwd() })
 */
export async function loadLocalConfig(settings: LocalSettings): Promise<BiPerfConfig> {
  const { loadConfig } = await import('@bi-perf/core/config')
  try {
    return await loadConfig({
      ...(settings.configFile === undefined ? {} : { file: settings.configFile }),
      env: settings.env,
      cwd: settings.cwd,
    })
  } catch (error) {
    if (isConfigError(error)) throw new ConfigurationError(oneLine(error.message), { cause: error })
    throw error
  }
}
