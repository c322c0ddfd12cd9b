// Plain `npm install` of tarballs and registry packages, as a user runs it: no workspace, no
// pnpm. `--prefer-offline` takes what npm's cache already holds without asking the registry
// again, which keeps a scenario to seconds once the first one has filled the cache.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CheckFailure, exitProblem } from './check-failure.mjs'
import { runCommand } from './processes.mjs'
import { userEnv } from './services.mjs'

const FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn']

/**
 * Installs `specs` into the empty project folder `dir` (a `package.json` is written first, as
 * `npm init` would).
 *
 * @param {string} subject the package checked, for the failure message
 * @param {string} dir
 * @param {string[]} specs tarball paths and package names
 */
export async function installIntoProject(subject, dir, specs) {
  const manifest = { name: 'install-alone-check', version: '1.0.0', private: true }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  await npm(subject, dir, ['install', ...FLAGS, ...specs])
}

/**
 * `npm install --global` of `specs` into the prefix `prefix` (its commands land in
 * `<prefix>/bin`).
 */
export async function installGlobally(subject, dir, prefix, specs) {
  await npm(subject, dir, ['install', '--global', '--prefix', prefix, ...FLAGS, ...specs])
}

async function npm(subject, cwd, args) {
  const result = await runCommand('npm', args, { cwd, env: userEnv(), timeoutMs: 240_000 })
  if (result.code !== 0) {
    const command = args.includes('--global') ? 'npm install --global' : 'npm install'
    const problem = result.timedOut ? 'timed out after 240 s' : exitProblem(result.code)
    throw new CheckFailure(subject, command, problem, result.output)
  }
}
