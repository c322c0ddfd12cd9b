import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../../..')

/** Packages the spawned executables load from `dist/`, in build order, with their entry file. */
const BUILDS: [dir: string, entry: string][] = [
  ['packages/cache', 'dist/index.js'],
  ['packages/db', 'dist/index.js'],
  ['packages/tasks', 'dist/index.js'],
  ['packages/memory', 'dist/index.js'],
  ['packages/monitor', 'dist/index.js'],
  ['packages/core', 'dist/index.js'],
  ['apps/api', 'dist/main.js'],
  ['apps/cli', 'dist/bi-performance.js'],
]

function newestSource(dir: string): number {
  let newest = 0
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs)
    }
  }
  walk(join(dir, 'src'))
  for (const file of ['package.json', 'tsup.config.ts']) {
    const path = join(dir, file)
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/**
 * The tests run the real executables, so they need `dist/` of the CLI, the API and the packages
 * they load. CI builds everything first (`pnpm build`) and this is a no-op; elsewhere it builds
 * what is missing or older than its sources, with each package's own tsup config.
 */
export default function setup(): void {
  const tsup = join(root, 'node_modules/.bin/tsup')
  for (const [relative, entry] of BUILDS) {
    const dir = join(root, relative)
    const built = join(dir, entry)
    if (existsSync(built) && statSync(built).mtimeMs >= newestSource(dir)) continue
    try {
      execFileSync(tsup, [], { cwd: dir, stdio: 'pipe', timeout: 120_000 })
    } catch (error) {
      const output = (error as { stderr?: Buffer; stdout?: Buffer }).stderr?.toString() ?? ''
      throw new Error(`building ${relative} for the CLI tests failed:\n${output}`, { cause: error })
    }
  }
}
