import { packageTests } from '@bi-perf/build-config/vitest'

// Integration tests spawn the built executables (and apps/api's): the global setup builds them
// once through turbo (a cache hit after `pnpm build`).
export default packageTests('cli', {
  globalSetup: ['./test/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 180_000,
})
