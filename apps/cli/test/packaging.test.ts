import { execFile } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, root, run, tempDir } from './helpers.js'

const exec = promisify(execFile)

// The published shape: pack the CLI and the workspace packages it needs with pnpm (which turns
// `workspace:^` into versions), install the tarballs with plain npm into an empty prefix (the
// rest comes from the registry), and run the installed executables from there.
const PACKAGES = [
  'packages/core',
  'packages/cache',
  'packages/db',
  'packages/tasks',
  'packages/memory',
  'packages/monitor',
  'apps/cli',
]
const prefix = tempDir()
const tarballs = tempDir()
const bin = (name: string) => join(prefix, 'node_modules/.bin', name)

beforeAll(async () => {
  for (const dir of PACKAGES) {
    await exec('npx', ['-y', 'pnpm@10.34.9', 'pack', '--pack-destination', tarballs], {
      cwd: join(root, dir),
      timeout: 120_000,
    })
  }
  const files = readdirSync(tarballs).map((file) => join(tarballs, file))
  expect(files).toHaveLength(PACKAGES.length)
  await exec(
    'npm',
    ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel', 'error', ...files],
    {
      cwd: prefix,
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  )
}, 900_000)

describe('the installed package', () => {
  it('runs bi-performance --help from node_modules/.bin as an executable', async () => {
    // Executed directly: the shebang, the executable bit and the bin link are part of the test.
    const { stdout } = await exec(bin('bi-performance'), ['--help'], {
      cwd: prefix,
      env: cleanEnv(),
    })
    expect(stdout).toContain('Usage: bi-performance [options] [command]')
  })

  it('runs bi-perf performance --help', async () => {
    const result = await run(bin('bi-perf'), ['performance', '--help'], {
      cwd: prefix,
      env: cleanEnv(),
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: bi-perf performance')
  })

  it('runs status --json in local mode on embedded defaults', async () => {
    const result = await run(bin('bi-performance'), ['status', '--json'], {
      cwd: prefix,
      env: cleanEnv(),
      timeoutMs: 120_000,
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout) as {
      source: unknown
      figures: { dbBackend: string }
    }
    expect(document.source).toEqual({ mode: 'local' })
    // status reads the machine only: with no database configured it boots no PGlite.
    expect(document.figures.dbBackend).toBeNull()
  })

  it('installs without the embedded database, whose optional peer it leaves to the user', () => {
    // A global install stays lean: neither core nor the CLI pulls PGlite (27 MB) or prom-client.
    const installed = (name: string) => existsSync(join(prefix, 'node_modules', name))
    expect(installed('@electric-sql/pglite')).toBe(false)
    expect(installed('prom-client')).toBe(false)
    expect(installed('kysely')).toBe(true)
  })

  it('skips the db suite of a local benchmark with the command that installs PGlite', async () => {
    const result = await run(
      bin('bi-performance'),
      ['benchmark', '--suite', 'db', '--duration', '100ms', '--json'],
      { cwd: prefix, env: cleanEnv(), timeoutMs: 120_000 },
    )
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as {
      results: unknown[]
      skipped: { suite: string; reason: string }[]
    }
    expect(report.results).toEqual([])
    expect(report.skipped).toHaveLength(1)
    expect(report.skipped[0]?.suite).toBe('db')
    expect(report.skipped[0]?.reason).toContain('@electric-sql/pglite is not installed')
    expect(report.skipped[0]?.reason).toContain('npm install -g @electric-sql/pglite')
  })
})

describe('the installed package with @electric-sql/pglite added', () => {
  beforeAll(async () => {
    // What the skipped suite told the user to do (a prefix here, where -g would be global).
    const range = (
      JSON.parse(readFileSync(join(root, 'apps/cli/package.json'), 'utf8')) as {
        peerDependencies: Record<string, string>
      }
    ).peerDependencies['@electric-sql/pglite']
    await exec(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--loglevel',
        'error',
        `@electric-sql/pglite@${range}`,
      ],
      { cwd: prefix, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
    )
  }, 600_000)

  it('runs the embedded PGlite of the installed @bi-perf/db in its worker thread', async () => {
    // The worker is a separate file of the tarball (dist/pglite-worker.js): a package that
    // forgot to ship it would fail here, not in the workspace.
    const script = join(prefix, 'embedded-db.mjs')
    writeFileSync(
      script,
      [
        "import { createDatabase } from '@bi-perf/db'",
        'const db = createDatabase({})',
        "const rows = await db.kysely.selectNoFrom((eb) => eb.lit(42).as('answer')).execute()",
        'console.log(JSON.stringify({ backend: db.backend, rows }))',
        'await db.close()',
      ].join('\n'),
    )
    const result = await run(script, [], { cwd: prefix, env: cleanEnv(), timeoutMs: 120_000 })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ backend: 'pglite', rows: [{ answer: 42 }] })
  })
})
