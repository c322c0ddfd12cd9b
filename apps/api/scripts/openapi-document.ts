import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createOptimizer, resolveConfig } from '@bi-perf/core'
import pino from 'pino'
import { format, resolveConfig as prettierConfig } from 'prettier'
import { createApp } from '../src/app.js'

// Exports the API's OpenAPI document, the one `GET /openapi.json` serves, to docs/openapi.json.
// scripts/write-openapi.ts writes it; test/openapi-document.test.ts fails when the committed file
// differs from what this renders.

/** The file this renders. */
export const OPENAPI_DOC = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url))

/**
 * The document as a production server with HS256 tokens serves it: `/metrics` behind a token,
 * as production keeps it. Every component is off, so no service is needed; the document lists
 * every route whatever runs.
 */
async function servedDocument(): Promise<unknown> {
  const config = resolveConfig({
    cache: { enabled: false },
    database: { enabled: false },
    tasks: { enabled: false },
    memory: { enabled: false },
    monitor: { enabled: false },
    // Never written into the document: the scheme only names the algorithm.
    server: { auth: { jwtSecret: randomBytes(32).toString('base64url') } },
  })
  const optimizer = await createOptimizer(config)
  try {
    const app = createApp({
      optimizer,
      config,
      logger: pino({ level: 'silent' }),
      environment: 'production',
      processMetrics: false,
    })
    const response = await app.request('/openapi.json')
    if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`)
    return await response.json()
  } finally {
    await optimizer.stop()
  }
}

/**
 * The text of docs/openapi.json, formatted by Prettier with the repository's settings, so
 * `prettier --check` accepts the committed file.
 */
export async function renderOpenApiDocument(): Promise<string> {
  const options = (await prettierConfig(OPENAPI_DOC)) ?? {}
  return format(JSON.stringify(await servedDocument()), { ...options, filepath: OPENAPI_DOC })
}
