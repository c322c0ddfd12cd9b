import { writeFileSync } from 'node:fs'
import { CONFIGURATION_DOC, renderConfigurationDoc } from './configuration-doc.js'

// Writes docs/configuration.md from the configuration schema. Run after changing a setting, a
// package default or a profile: `pnpm --filter @bi-perf/core docs:configuration`.

writeFileSync(CONFIGURATION_DOC, await renderConfigurationDoc())
process.stderr.write(`wrote ${CONFIGURATION_DOC}\n`)
