/* global URL */
// The pieces of the release checks (`pnpm check:install`, `pnpm check:release`) that read the
// repository: README examples and install lines, and changeset front matter. The checks
// themselves install and run packages, in CI after the tests.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { hasStackTrace } from './install-alone/check-failure.mjs'
import { exampleModule } from './install-alone/example-module.mjs'
import { libraryScenarios } from './install-alone/library-scenarios.mjs'
import { expectSingleCopies } from './install-alone/shared-copies.mjs'
import { firstExample, firstInstall } from './install-alone/readme.mjs'
import { workspacePackages } from './install-alone/workspace-packages.mjs'
import { changesetReleases } from './release-dry-run/pending-changesets.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

const README = [
  '# @bi-perf/x',
  '```sh',
  'npm install @bi-perf/x ioredis   # ioredis only if you use Redis',
  'npm install --global @bi-perf/x-cli',
  '```',
  '```ts',
  "import { createX } from '@bi-perf/x'",
  "import type { XOptions } from '@bi-perf/x'",
  "const options: XOptions = { ttl: '1m' }",
  'const x = createX(options)!',
  '```',
  '```js',
  'second()',
  '```',
].join('\n')

describe('README reading', () => {
  test('takes the first TypeScript or JavaScript block, after the shell block', () => {
    expect(firstExample(README)?.language).toBe('ts')
    expect(firstExample(README)?.code.split('\n')[0]).toBe("import { createX } from '@bi-perf/x'")
  })

  test('takes the packages of the first npm install line, without flags or comment', () => {
    expect(firstInstall(README)).toEqual(['@bi-perf/x', 'ioredis'])
    expect(firstInstall('```sh\nnpm i -g @bi-perf/cli\n```')).toEqual(['@bi-perf/cli'])
    expect(firstInstall('```ts\nnpm install x\n```')).toBeUndefined()
  })
})

describe('example module', () => {
  test('strips types, keeps value imports, puts placeholders first and the epilogue last', () => {
    const source = exampleModule(firstExample(README), {
      placeholders: 'globalThis.db = {}',
      epilogue: 'await x.close()',
    })
    expect(source.indexOf('globalThis.db = {}')).toBeLessThan(source.indexOf('createX(options)'))
    expect(source).toContain("import { createX } from '@bi-perf/x'")
    expect(source).not.toContain('XOptions')
    expect(source).toContain('const x = createX(options);')
    expect(source.trimEnd().endsWith('await x.close();')).toBe(true)
  })

  test('refuses a rewrite whose text the example no longer contains', () => {
    expect(() => exampleModule(firstExample(README), { rewrites: [['/var/tmp', '/x']] })).toThrow(
      'the README example no longer contains "/var/tmp"',
    )
  })

  test('every published library README has an example that installs and parses', () => {
    const libraries = [...workspacePackages(root).values()].filter(
      (pkg) => !pkg.private && Object.keys(pkg.bin).length === 0,
    )
    expect(libraries.length).toBeGreaterThan(0)
    for (const pkg of libraries) {
      const readme = readFileSync(join(pkg.dir, 'README.md'), 'utf8')
      expect(firstInstall(readme), pkg.name).toContain(pkg.name)
      const scenario = libraryScenarios[pkg.name] ?? {}
      expect(() =>
        exampleModule(firstExample(readme), { ...scenario, rewrites: scenario.rewrites?.('/x') }),
      ).not.toThrow()
    }
  })
})

test('recognises a stack trace and nothing else', () => {
  expect(hasStackTrace('Error: boom\n    at run (file:///tmp/example.mjs:3:9)\n')).toBe(true)
  expect(hasStackTrace('    at async Promise.all (index 0)\n    at node:internal/x:1:2')).toBe(true)
  expect(hasStackTrace('hit rate 0.5\nstatus: ok at 12:00\n')).toBe(false)
})

test('reads the packages and bumps of a changeset, quoted or not', () => {
  const changeset =
    '---\n\'@bi-perf/core\': minor\n"@bi-perf/cli": patch\n---\n\nText: not: a release\n'
  expect(changesetReleases(changeset)).toEqual([
    { name: '@bi-perf/core', bump: 'minor' },
    { name: '@bi-perf/cli', bump: 'patch' },
  ])
})

test('finds a shared package installed twice, nested or scoped, and passes one copy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'release-checks-test-'))
  try {
    const install = (path) => mkdirSync(join(dir, 'node_modules', path), { recursive: true })
    install('kysely')
    install('@electric-sql/pglite')
    install('@bi-perf/db/node_modules/ioredis')
    expect(() => expectSingleCopies('@bi-perf/db', join(dir, 'node_modules'))).not.toThrow()
    install('@bi-perf/db/node_modules/kysely')
    expect(() => expectSingleCopies('@bi-perf/db', join(dir, 'node_modules'))).toThrow(
      '@bi-perf/db: one copy of shared packages: installed twice',
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
