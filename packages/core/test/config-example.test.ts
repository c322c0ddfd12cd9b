import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { renderExampleConfig } from '../scripts/example-config.js'
import { envVariableNames } from '../src/config/env.js'
import { loadConfig, resolveConfig } from '../src/config/loader.js'
import { configSchema } from '../src/config/schema.js'
import { schemaLeaves } from '../src/config/schema-walk.js'

const EXAMPLE = fileURLToPath(new URL('../../../bi-perf.example.yaml', import.meta.url))

/**
 * The example with its commented-out settings switched on: a line `# key: value` (one space after
 * the `#`, a lower-case key) is a setting, capitalised comment lines are prose.
 */
function uncommented(text: string): string {
  return text.replace(/^(\s*)# ([a-z][A-Za-z0-9]*:(?:\s|$))/gm, '$1$2')
}

function has(value: unknown, path: readonly string[]): boolean {
  let current = value
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !(segment in current)) return false
    current = (current as Record<string, unknown>)[segment]
  }
  return true
}

describe('bi-perf.example.yaml', () => {
  it('is the file generated from the schema (pnpm --filter @bi-perf/core example-config)', async () => {
    expect(await readFile(EXAMPLE, 'utf8')).toBe(renderExampleConfig())
  })

  it('is a valid configuration that sets only defaults', async () => {
    const config = await loadConfig({ file: EXAMPLE, env: {} })
    expect(config).toEqual(resolveConfig({}))
  })

  it('names the environment variable of every setting', async () => {
    const text = await readFile(EXAMPLE, 'utf8')
    const missing = Object.values(envVariableNames()).filter(
      (name) => !new RegExp(`\\b${name}\\b`).test(text),
    )
    expect(missing).toEqual([])
  })

  it('shows every setting, set or commented out', async () => {
    const settings: unknown = parse(uncommented(await readFile(EXAMPLE, 'utf8')))
    const missing = schemaLeaves(configSchema)
      .map((leaf) => leaf.path)
      .filter((path) => !has(settings, path))
      .map((path) => path.join('.'))
    expect(missing).toEqual([])
  })

  it('gives valid examples for the settings it comments out', async () => {
    const settings = parse(uncommented(await readFile(EXAMPLE, 'utf8'))) as {
      redis: Record<string, unknown>
      server: { auth: Record<string, unknown> }
    }
    // Redis url and clusterNodes exclude each other, as do the three token verifiers (the PEM
    // key's lines stay commented out): check them one at a time.
    const { clusterNodes, ...redis } = settings.redis
    const auth = { ...settings.server.auth }
    const { jwtSecret, jwksUrl } = auth
    for (const key of ['jwtSecret', 'jwtPublicKey', 'jwksUrl']) delete auth[key]
    expect(() =>
      resolveConfig({ ...settings, redis, server: { ...settings.server, auth } }),
    ).not.toThrow()
    expect(() => resolveConfig({ redis: { clusterNodes: clusterNodes as string[] } })).not.toThrow()
    expect(() =>
      resolveConfig({ server: { auth: { jwtSecret: jwtSecret as string } } }),
    ).not.toThrow()
    expect(() => resolveConfig({ server: { auth: { jwksUrl: jwksUrl as string } } })).not.toThrow()
  })
})
