import { packageBuild } from '@bi-perf/build-config/tsup'

export default packageBuild({
  entry: ['src/main.ts', 'src/bin.ts', 'src/app.ts', 'src/worker.ts'],
  dts: false,
})
