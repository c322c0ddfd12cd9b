import { packageBuild } from '@bi-perf/build-config/tsup'

export default packageBuild({
  // The PGlite worker is an entry of its own: Node starts it by file (`new Worker(url)`), next to
  // the module that spawns it in dist. `defaults` too: core's config schema reads it without
  // loading Kysely and pg.
  entry: ['src/index.ts', 'src/pglite-worker.ts', 'src/defaults.ts'],
})
