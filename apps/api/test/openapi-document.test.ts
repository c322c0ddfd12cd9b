import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { OPENAPI_DOC, renderOpenApiDocument } from '../scripts/openapi-document.js'

describe('docs/openapi.json', () => {
  it('is the document GET /openapi.json serves', async () => {
    if ((await readFile(OPENAPI_DOC, 'utf8')) !== (await renderOpenApiDocument())) {
      expect.fail(
        'docs/openapi.json differs from the API: run pnpm --filter @bi-perf/api docs:openapi to update',
      )
    }
  })
})
