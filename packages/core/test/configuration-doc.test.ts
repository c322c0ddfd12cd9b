import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { CONFIGURATION_DOC, renderConfigurationDoc } from '../scripts/configuration-doc.js'

describe('docs/configuration.md', () => {
  it('is the file generated from the configuration schema', async () => {
    if ((await readFile(CONFIGURATION_DOC, 'utf8')) !== (await renderConfigurationDoc())) {
      expect.fail(
        'docs/configuration.md differs from the schema: run pnpm --filter @bi-perf/core docs:configuration to update',
      )
    }
  })
})
