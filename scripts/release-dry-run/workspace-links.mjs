// The `workspace:` links of a copied repository, as `pnpm install` would make them: each package's
// node_modules/<dependency> pointing at that workspace package in the copy. `pnpm publish` reads
// the versions that replace `workspace:^` there, so they must be the copy's versions (after
// `changeset version`), not the working tree's.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'

const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
]

/**
 * @param {string} root the copied repository
 * @returns {number} links made
 */
export function linkWorkspace(root) {
  const packages = new Map()
  for (const dir of workspaceDirs(root)) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    packages.set(manifest.name, { dir, manifest })
  }
  let links = 0
  for (const { dir, manifest } of packages.values()) {
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
        const target = packages.get(name)
        if (!String(spec).startsWith('workspace:') || !target) continue
        const link = join(dir, 'node_modules', name)
        if (existsSync(link)) continue
        mkdirSync(dirname(link), { recursive: true })
        symlinkSync(target.dir, link, 'dir')
        links += 1
      }
    }
  }
  return links
}

/** The package folders `pnpm-workspace.yaml` lists (`dir/*` or `dir` entries). */
function workspaceDirs(root) {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
  const list = /^packages:\s*\n((?:\s+-\s.*\n?)+)/m.exec(yaml)?.[1] ?? ''
  const dirs = []
  for (const entry of list.matchAll(/-\s+['"]?([^'"\n]+?)['"]?\s*$/gm)) {
    const pattern = entry[1]
    if (!pattern.endsWith('/*')) dirs.push(join(root, pattern))
    else {
      const parent = join(root, pattern.slice(0, -2))
      for (const child of readdirSync(parent, { withFileTypes: true }))
        if (child.isDirectory()) dirs.push(join(parent, child.name))
    }
  }
  return dirs.filter((dir) => existsSync(join(dir, 'package.json')))
}
