// The packages a user's app shares with bi-perf must be installed once: a second kysely breaks
// `Kysely<DB>` types (`#private`), a second prom-client is a second registry, a second ioredis or
// PGlite a second set of connections. npm nests a copy when ranges disagree; this finds them.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { CheckFailure } from './check-failure.mjs'

/** Shared with the user's app: types or state cross the boundary. */
const SHARED = ['kysely', 'prom-client', 'ioredis', '@electric-sql/pglite']

/**
 * Fails when a shared package is installed more than once under `nodeModules`.
 *
 * @param {string} subject the package checked, for the failure message
 * @param {string} nodeModules an install's top node_modules folder
 */
export function expectSingleCopies(subject, nodeModules) {
  const copies = new Map(SHARED.map((name) => [name, []]))
  const visit = (dir) => {
    for (const [name, path] of packageDirs(dir)) {
      copies.get(name)?.push(path)
      visit(join(path, 'node_modules'))
    }
  }
  visit(nodeModules)
  const twice = [...copies].filter(([, paths]) => paths.length > 1)
  if (twice.length > 0) {
    const list = twice.map(([name, paths]) => `${name}: ${paths.join(', ')}`).join('\n')
    throw new CheckFailure(subject, 'one copy of shared packages', 'installed twice', list)
  }
}

/** `[name, folder]` of each package directly in `nodeModules`, scoped ones included. */
function* packageDirs(nodeModules) {
  for (const entry of entries(nodeModules)) {
    if (entry.startsWith('.')) continue
    if (!entry.startsWith('@')) yield [entry, join(nodeModules, entry)]
    else
      for (const name of entries(join(nodeModules, entry)))
        yield [`${entry}/${name}`, join(nodeModules, entry, name)]
  }
}

function entries(dir) {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
