import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderExampleConfig } from './example-config.js'

// Writes bi-perf.example.yaml at the repository root from the configuration schema. Run after
// changing a setting or a package default: `pnpm --filter @bi-perf/core example-config`.

const target = fileURLToPath(new URL('../../../bi-perf.example.yaml', import.meta.url))
writeFileSync(target, renderExampleConfig())
process.stderr.write(`wrote ${target}\n`)
