// `pnpm pack` of workspace packages, once per run: pnpm writes the tarball users get, with
// `workspace:^` replaced by real versions, which plain `npm pack` would leave in place.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CheckFailure } from './check-failure.mjs'
import { runCommand } from './processes.mjs'

/**
 * @param {import('./workspace-packages.mjs').WorkspacePackage} pkg
 * @param {string} destination folder for the tarball
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<string>} the tarball's path
 */
export async function packPackage(pkg, destination, env) {
  const result = await runCommand('pnpm', ['pack', '--pack-destination', destination], {
    cwd: pkg.dir,
    env,
    timeoutMs: 120_000,
  })
  const tarball = join(
    destination,
    `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`,
  )
  if (result.code !== 0 || !existsSync(tarball)) {
    const problem = result.timedOut ? 'timed out' : `exit ${result.code}, no ${tarball}`
    throw new CheckFailure(pkg.name, 'pnpm pack', problem, result.output)
  }
  return tarball
}
