import { packageBuild } from '@bi-perf/build-config/tsup'

// `defaults` is its own entry so core's config schema can read DEFAULTS (`@bi-perf/tasks/defaults`)
// without loading the whole package.
export default packageBuild({ entry: ['src/index.ts', 'src/defaults.ts'] })
