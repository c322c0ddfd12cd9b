// `pnpm bench:claims`: builds the API (the root script), measures each seed claim on the demo BI
// workload and writes docs/claims.md. `--out <file>` writes elsewhere. Takes about 4 minutes.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { format, resolveConfig } from 'prettier'
import { readMachine } from './machine.js'
import { renderReport, renderTable } from './render.js'
import { runClaims } from './run-claims.js'

const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true })
const out = values.out ?? fileURLToPath(new URL('../../../docs/claims.md', import.meta.url))

const startedAt = new Date()
const machine = readMachine()
const log = (line: string) =>
  process.stdout.write(
    `[${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(3)} s] ${line}\n`,
  )

/** How this run was started, for the report: the root script, or the CLI with its arguments. */
function invokedAs(): string {
  const args = process.argv.slice(2).join(' ')
  const base =
    process.env.npm_lifecycle_event === 'bench:claims'
      ? 'pnpm bench:claims'
      : 'node --import tsx tooling/claims/src/cli.ts'
  return args ? `${base} ${args}` : base
}

try {
  const results = await runClaims(log)
  const loadAtEnd = readMachine().load
  const markdown = renderReport({
    startedAt,
    finishedAt: new Date(),
    command: invokedAs(),
    machine,
    loadAtEnd,
    results,
  })
  // Formatted as the repository's `prettier --check .` expects, so a rerun is commit-ready.
  const options = await resolveConfig(out)
  writeFileSync(out, await format(markdown, { ...options, filepath: out }))
  process.stdout.write(`\n${renderTable(results)}\n\nclaims: written to ${out}\n`)
} catch (error) {
  process.stderr.write(
    `claims: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exitCode = 1
}
