// The pending changesets of `.changeset/`: which packages each one releases, from its front
// matter (`'@bi-perf/core': minor`).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The packages a changeset releases and their bumps.
 *
 * @param {string} markdown a changeset file
 * @returns {{ name: string, bump: string }[]}
 */
export function changesetReleases(markdown) {
  const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(markdown)
  if (!frontMatter) return []
  return frontMatter[1]
    .split(/\r?\n/)
    .map((line) => /^\s*['"]?([^'":\s]+)['"]?\s*:\s*(major|minor|patch)\s*$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ name: match[1], bump: match[2] }))
}

/**
 * Changeset files in `dir` (every `.md` but the README).
 *
 * @param {string} dir a `.changeset` folder
 * @returns {string[]} file names
 */
export function changesetFiles(dir) {
  return readdirSync(dir).filter((file) => file.endsWith('.md') && file !== 'README.md')
}

/**
 * Every package that a pending changeset in `dir` releases, with the files that name it.
 *
 * @param {string} dir a `.changeset` folder
 * @returns {Map<string, string[]>}
 */
export function pendingReleases(dir) {
  const releases = new Map()
  for (const file of changesetFiles(dir)) {
    for (const { name } of changesetReleases(readFileSync(join(dir, file), 'utf8')))
      releases.set(name, [...(releases.get(name) ?? []), file])
  }
  return releases
}
