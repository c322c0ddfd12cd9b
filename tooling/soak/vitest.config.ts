import { packageTests } from '@bi-perf/build-config/vitest'

// The soak's CI form runs about three minutes: start, warm-up, 60 s of faults, drain, shutdown.
export default packageTests('soak', { testTimeout: 420_000, hookTimeout: 420_000 })
