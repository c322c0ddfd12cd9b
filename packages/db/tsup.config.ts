import { packageBuild } from '@bi-perf/build-config/tsup'

// The PGlite worker is an entry of its own: Node starts it by file (`new Worker(url)`), next to
// the module that spawns it in dist.
export default packageBuild({ entry: ['src/index.ts', 'src/pglite-worker.ts'] })
