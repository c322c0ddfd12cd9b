import { packageBuild } from '@bi-perf/build-config/tsup'

// Besides the barrel, two light entry points: `./config` (the loader alone) and
// `./create-optimizer` (which imports each component's package only when it is enabled), so a
// short-lived process such as the CLI's local mode does not load every dependency at start-up.
// Named entries keep the dist file names the package's `exports` map points at.
export default packageBuild({
  entry: {
    index: 'src/index.ts',
    'config-loader': 'src/config/loader.ts',
    'create-optimizer': 'src/create-optimizer.ts',
  },
})
