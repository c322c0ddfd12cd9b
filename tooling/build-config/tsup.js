import { defineConfig } from 'tsup'

/**
 * The build every published bi-perf package uses: ESM only, `.d.ts` beside it, Node 20.19 target.
 * Dependencies stay external (tsup's default for `dependencies` and `peerDependencies`).
 *
 * @param {Partial<import('tsup').Options>} [overrides]
 */
export function packageBuild(overrides = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    removeNodeProtocol: false,
    // Shared helpers are bundled in, never a runtime dependency of a published package.
    noExternal: [/^@bi-perf\/internal/],
    ...overrides,
  })
}
