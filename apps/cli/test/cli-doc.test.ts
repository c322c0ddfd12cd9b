import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { CLI_DOC, renderCliDoc } from '../scripts/cli-doc.js'

describe('docs/cli.md', () => {
  it('is the file generated from the commander program', async () => {
    if ((await readFile(CLI_DOC, 'utf8')) !== (await renderCliDoc())) {
      expect.fail(
        'docs/cli.md differs from the program: run pnpm --filter @bi-perf/cli docs:cli to update',
      )
    }
  })
})
