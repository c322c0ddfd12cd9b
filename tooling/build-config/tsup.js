import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'tsup'

// The private helpers' source, so a declaration bundle inlines their types (a base error class,
// for one) instead of importing a package that is never published. `dts.resolve` cannot follow
// internal's `./x.js` re-exports of `.ts` files; a path mapping can.
const internalSource = fileURLToPath(
  new URL('../../packages/internal/src/index.ts', import.meta.url),
)

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
    dts: { compilerOptions: { paths: { '@bi-perf/internal': [internalSource] } } },
    sourcemap: true,
    clean: true,
    treeshake: true,
    removeNodeProtocol: false,
    // Shared helpers are bundled in, never a runtime dependency of a published package.
    noExternal: [/^@bi-perf\/internal/],
    ...overrides,
  })
}
