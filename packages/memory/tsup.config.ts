import { packageBuild } from '@bi-perf/build-config/tsup'

export default packageBuild({
  // `defaults` is an entry of its own: core's config schema reads it without loading the package.
  entry: ['src/index.ts', 'src/defaults.ts'],
})
