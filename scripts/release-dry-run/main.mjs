/* global process, URL */
// `pnpm check:release` (and CI after the build): the release flow on a copy of the repository,
// so the working tree's versions and changesets stay as they are. In the copy, `changeset
// version` must consume every pending changeset and write a CHANGELOG.md entry for each package
// they name, and `pnpm publish -r --dry-run` must pass for every published package. Expects a
// build: the copy takes each package's dist/ as it is.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CheckFailure, exitProblem } from '../install-alone/check-failure.mjs'
import { runCommand } from '../install-alone/processes.mjs'
import { workspacePackages } from '../install-alone/workspace-packages.mjs'
import { changesetFiles, pendingReleases } from './pending-changesets.mjs'
import { linkWorkspace } from './workspace-links.mjs'

/** Not copied: installed or generated state that the release flow neither reads nor writes. */
const NOT_COPIED = new Set([
  'node_modules',
  '.git',
  '.turbo',
  '.topology',
  'coverage',
  'test-artifacts',
])

const root = fileURLToPath(new URL('../..', import.meta.url))
const started = Date.now()
const copy = mkdtempSync(join(tmpdir(), 'bi-perf-release-'))
try {
  cpSync(root, copy, { recursive: true, filter: (path) => !NOT_COPIED.has(basename(path)) })
  // changesets loads its changelog writer and prettier from the project's node_modules.
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir')

  const pending = pendingReleases(join(copy, '.changeset'))
  const before = workspacePackages(copy)
  await mustRun('changeset version', join(root, 'node_modules', '.bin', 'changeset'), ['version'])
  checkVersioned(pending, before, workspacePackages(copy))

  linkWorkspace(copy)
  const published = [...workspacePackages(copy).values()].filter((pkg) => !pkg.private)
  const publish = await mustRun('pnpm publish -r --dry-run', 'pnpm', [
    'publish',
    '--recursive',
    '--dry-run',
    '--no-git-checks',
  ])
  const fresh = []
  for (const pkg of published) {
    const spec = `${pkg.name}@${pkg.version}`
    if (publish.output.includes(spec)) fresh.push(spec)
    // pnpm skips a version the registry already has (no pending changeset for that package).
    else if (!(await onRegistry(spec)))
      throw new CheckFailure(
        pkg.name,
        'pnpm publish -r --dry-run',
        `neither published as ${pkg.version} nor on the registry`,
        publish.output,
      )
  }
  say(`release dry run: would publish ${fresh.join(', ') || 'nothing new'}`)
  say(`release dry run: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
} catch (error) {
  const tail = error instanceof CheckFailure && error.outputTail ? `\n${error.outputTail}` : ''
  process.stderr.write(
    `release dry run: ${error instanceof Error ? error.message : error}${tail}\n`,
  )
  process.exitCode = 1
} finally {
  rmSync(copy, { recursive: true, force: true })
}

/**
 * Every pending changeset consumed; each package it names has a new version and a CHANGELOG.md
 * whose entry for it exists.
 */
function checkVersioned(pending, before, after) {
  const left = changesetFiles(join(copy, '.changeset'))
  if (left.length > 0)
    throw new CheckFailure('changeset version', 'consume', `left ${left.join(', ')} in place`)
  for (const [name, files] of pending) {
    const pkg = after.get(name)
    if (!pkg)
      throw new CheckFailure(
        name,
        'changesets',
        `named by ${files.join(', ')}, not in the workspace`,
      )
    const changelog = join(pkg.dir, 'CHANGELOG.md')
    if (pkg.version === before.get(name)?.version)
      throw new CheckFailure(name, 'changeset version', `still ${pkg.version}`)
    if (!existsSync(changelog) || !readFileSync(changelog, 'utf8').includes(`## ${pkg.version}`))
      throw new CheckFailure(name, 'changeset version', `no "## ${pkg.version}" in CHANGELOG.md`)
    say(
      `  ok    ${name}: ${before.get(name).version} → ${pkg.version}, CHANGELOG.md (${files.length} changesets)`,
    )
  }
}

async function mustRun(step, command, args) {
  const stepStarted = Date.now()
  const result = await runCommand(command, args, {
    cwd: copy,
    env: process.env,
    timeoutMs: 300_000,
  })
  if (result.code !== 0) {
    const problem = result.timedOut ? 'timed out after 300 s' : exitProblem(result.code)
    throw new CheckFailure('release', step, problem, result.output)
  }
  say(`  ok    ${step} (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`)
  return result
}

/** Whether the registry already has `name@version`. */
async function onRegistry(spec) {
  const result = await runCommand('npm', ['view', spec, 'version'], {
    cwd: copy,
    env: process.env,
    timeoutMs: 60_000,
  })
  return result.code === 0 && result.stdout.trim() !== ''
}

function say(line) {
  process.stdout.write(`${line}\n`)
}
