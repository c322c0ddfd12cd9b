import { packageBuild } from '@bi-perf/build-config/tsup'

// Besides the barrel, two light entry points: `./config` (the loader alone) and
// `./create-optimizer` (which imports each component's package only when it is enabled), so a
// short-lived process such as the CLI's local mode does not load every dependency at start-up.
export default packageBuild({
  entry: ['src/index.ts', 'src/config-loader.ts', 'src/create-optimizer.ts'],
})
