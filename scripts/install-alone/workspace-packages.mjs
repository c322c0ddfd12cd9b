// The workspace's libraries and apps as a user meets them: published or private, and which
// `@bi-perf/*` packages each needs at run time (the tarballs installed beside it).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Folders that hold shippable packages; tooling/ and examples/ never leave the repository. */
const SHIPPED_FOLDERS = ['packages', 'apps']

/**
 * @typedef {{
 *   name: string, dir: string, version: string, private: boolean,
 *   bin: Record<string, string>, runtimeDeps: string[],
 * }} WorkspacePackage
 */

/**
 * @param {string} root the repository root
 * @returns {Map<string, WorkspacePackage>} by package name
 */
export function workspacePackages(root) {
  const packages = new Map()
  for (const folder of SHIPPED_FOLDERS) {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const dir = join(root, folder, entry.name)
      if (!entry.isDirectory() || !existsSync(join(dir, 'package.json'))) continue
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      const optional = manifest.peerDependenciesMeta ?? {}
      const requiredPeers = Object.keys(manifest.peerDependencies ?? {}).filter(
        (name) => !optional[name]?.optional,
      )
      packages.set(manifest.name, {
        name: manifest.name,
        dir,
        version: manifest.version,
        private: manifest.private === true,
        bin:
          typeof manifest.bin === 'string'
            ? { [manifest.name]: manifest.bin }
            : (manifest.bin ?? {}),
        runtimeDeps: [...Object.keys(manifest.dependencies ?? {}), ...requiredPeers],
      })
    }
  }
  return packages
}

/**
 * `name` and every workspace package it needs at run time, transitively.
 *
 * @param {Map<string, WorkspacePackage>} packages
 * @param {string} name
 * @returns {WorkspacePackage[]} `name` first
 */
export function runtimeClosure(packages, name) {
  const seen = new Map()
  const visit = (current) => {
    if (seen.has(current)) return
    const found = packages.get(current)
    if (!found) return
    seen.set(current, found)
    for (const dependency of found.runtimeDeps) visit(dependency)
  }
  visit(name)
  return [...seen.values()]
}
