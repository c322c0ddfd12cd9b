import { packageBuild } from '@bi-perf/build-config/tsup'

// Two executables sharing chunks; the commands load @bi-perf/core lazily, so `--help` stays fast.
export default packageBuild({
  entry: ['src/bi-performance.ts', 'src/bi-perf.ts'],
  dts: false,
  splitting: true,
})
