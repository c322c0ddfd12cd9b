/* global process */
// Tarballs for `npm install --global`, which has no project whose dependencies could stand in for
// a tarball's `@bi-perf/*` ranges, so npm would ask the registry for versions not published yet.
// The copies made here name each other instead (`file:` paths), and npm builds the same tree a
// registry install builds: everything under the installed package's own node_modules.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { CheckFailure } from './check-failure.mjs'
import { runCommand } from './processes.mjs'

/**
 * @param {string} subject the package checked, for the failure message
 * @param {string[]} tarballs a package and the `@bi-perf/*` packages it needs
 * @param {string} dir an empty folder for the copies
 * @returns {Promise<Map<string, string>>} package name → its linked copy
 */
export async function linkTarballs(subject, tarballs, dir) {
  const unpacked = []
  for (const tarball of tarballs) {
    const folder = join(dir, basename(tarball, '.tgz'))
    mkdirSync(folder, { recursive: true })
    await tar(subject, ['-xzf', tarball, '-C', folder])
    const manifestPath = join(folder, 'package', 'package.json')
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
    unpacked.push({ folder, manifestPath, manifest, copy: join(dir, basename(tarball)) })
  }
  const copies = new Map(unpacked.map(({ manifest, copy }) => [manifest.name, copy]))
  for (const { folder, manifestPath, manifest, copy } of unpacked) {
    for (const name of Object.keys(manifest.dependencies ?? {}))
      if (copies.has(name)) manifest.dependencies[name] = `file:${copies.get(name)}`
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
    await tar(subject, ['-czf', copy, '-C', folder, 'package'])
    rmSync(folder, { recursive: true, force: true })
  }
  return copies
}

async function tar(subject, args) {
  const result = await runCommand('tar', args, {
    cwd: process.cwd(),
    env: process.env,
    timeoutMs: 60_000,
  })
  if (result.code !== 0)
    throw new CheckFailure(subject, `tar ${args[0]}`, `exit ${result.code}`, result.output)
}
