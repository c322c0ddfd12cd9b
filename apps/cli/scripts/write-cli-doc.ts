import { writeFileSync } from 'node:fs'
import { CLI_DOC, renderCliDoc } from './cli-doc.js'

// Writes docs/cli.md from the commander program. Run after changing a command, an option, an
// example or an exit code: `pnpm --filter @bi-perf/cli docs:cli`.

writeFileSync(CLI_DOC, await renderCliDoc())
process.stderr.write(`wrote ${CLI_DOC}\n`)
