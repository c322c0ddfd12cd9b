/* global process, URL */
// `pnpm check:install` (and CI after the build): every published package installed alone, as a
// user installs it. Each library's tarball goes with plain npm into an empty folder and its
// README's first example runs against the real services; the CLI is installed globally into a
// prefix and run; the API is installed and started until /health answers. Tarballs are packed
// once; two checks run at a time. Expects a build (`pnpm check:install` builds first).
//
//   node scripts/install-alone/main.mjs [--only cache,cli] [--keep]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { checkApi } from './api-check.mjs'
import { CheckFailure } from './check-failure.mjs'
import { checkCli } from './cli-check.mjs'
import { checkLibrary } from './library-check.mjs'
import { packPackage } from './pack.mjs'
import { endAll } from './processes.mjs'
import { emptyChecksRedis } from './services.mjs'
import { runtimeClosure, workspacePackages } from './workspace-packages.mjs'

/** Checks at once: npm installs and Node processes, on CI machines of two cores. */
const CONCURRENCY = 2

const root = fileURLToPath(new URL('../..', import.meta.url))
const { values: options } = parseArgs({
  options: { only: { type: 'string' }, keep: { type: 'boolean', default: false } },
})
const started = Date.now()
const packages = workspacePackages(root)
const only = options.only?.split(',').map((name) => name.trim())
const checks = [...packages.values()]
  .map((pkg) => ({ pkg, run: checkFor(pkg) }))
  .filter(({ pkg, run }) => run && (!only || only.includes(pkg.name.split('/')[1])))
  // The checks with the most to install first, so the two lanes end close together.
  .sort(
    (a, b) =>
      runtimeClosure(packages, b.pkg.name).length - runtimeClosure(packages, a.pkg.name).length,
  )

const workDir = mkdtempSync(join(tmpdir(), 'bi-perf-install-alone-'))
const tarballDir = join(workDir, 'tarballs')
mkdirSync(tarballDir)
const packed = new Map()
let packing = Promise.resolve()
const failures = []
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    interrupted = true
    endAll()
  })

say(`install-alone: ${checks.map(({ pkg }) => pkg.name).join(', ')} (work folder ${workDir})`)
try {
  await emptyChecksRedis()
  const queue = [...checks]
  const lane = async () => {
    for (let check = queue.shift(); check && !interrupted; check = queue.shift()) {
      const context = { workDir, step, tarballsFor: (names) => tarballsFor(check.pkg, names) }
      await check
        .run(check.pkg, context)
        .catch((error) => failures.push(describe(check.pkg, error)))
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane))
} finally {
  await emptyChecksRedis().catch((error) => failures.push({ text: String(error) }))
  if (options.keep) say(`kept ${workDir}`)
  else rmSync(workDir, { recursive: true, force: true })
}

const seconds = ((Date.now() - started) / 1000).toFixed(1)
for (const failure of failures) process.stderr.write(`\n${failure.text}\n`)
if (failures.length > 0 || interrupted) {
  const rerun = options.keep ? '' : ' (add --keep to look at the installed folders)'
  process.stderr.write(`\ninstall-alone: ${failures.length} failed, in ${seconds} s${rerun}\n`)
  process.exit(interrupted ? 130 : 1)
}
say(`install-alone: ${checks.length} of ${checks.length} passed in ${seconds} s`)

/** The check a package gets: the CLI, the API, or a library; nothing for private libraries. */
function checkFor(pkg) {
  if (pkg.bin['bi-performance']) return checkCli
  if (pkg.bin['bi-perf-api']) return checkApi
  return pkg.private ? undefined : checkLibrary
}

/** Tarballs of `names` and of every workspace package they need, each packed once per run. */
async function tarballsFor(subject, names) {
  const needed = new Map()
  for (const name of [subject.name, ...names])
    for (const pkg of runtimeClosure(packages, name)) needed.set(pkg.name, pkg)
  for (const pkg of needed.values()) {
    if (pkg.private && pkg !== subject)
      throw new CheckFailure(
        subject.name,
        'dependencies',
        `needs the private ${pkg.name} at run time`,
      )
    if (!packed.has(pkg.name)) {
      // One pack at a time: the first two checks ask for most tarballs at once.
      const tarball = packing.then(() =>
        step(pkg.name, 'pnpm pack', () => packPackage(pkg, tarballDir, process.env)),
      )
      packing = tarball.catch(() => {})
      packed.set(pkg.name, tarball)
    }
  }
  return Promise.all([...needed.keys()].map((name) => packed.get(name)))
}

/** Runs one step of a check and prints its outcome and duration. */
async function step(subject, name, run) {
  const stepStarted = Date.now()
  const took = () => `${((Date.now() - stepStarted) / 1000).toFixed(1)} s`
  try {
    const value = await run()
    say(`  ok    ${subject}: ${name} (${took()})`)
    return value
  } catch (error) {
    say(`  FAIL  ${subject}: ${name} (${took()})`)
    throw error
  }
}

function describe(pkg, error) {
  if (!(error instanceof CheckFailure))
    return { text: `FAIL ${pkg.name}: ${error instanceof Error ? error.stack : String(error)}` }
  const tail = error.outputTail ? `\n--- last lines of output ---\n${error.outputTail}` : ''
  return { text: `FAIL ${error.message}${tail}` }
}

function say(line) {
  process.stdout.write(`${line}\n`)
}
