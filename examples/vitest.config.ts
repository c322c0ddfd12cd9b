import { packageTests } from '@bi-perf/build-config/vitest'

// Each example runs as a child process, twice (embedded, then on Redis and PostgreSQL); a run
// takes a few seconds, PGlite's start-up included.
export default packageTests('examples', { testTimeout: 60_000, hookTimeout: 30_000 })
