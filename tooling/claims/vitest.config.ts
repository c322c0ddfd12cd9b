import { packageTests } from '@bi-perf/build-config/vitest'

// Only the harness's pure parts (percentages, medians, the Markdown) are tested here; the claims
// themselves are measurements, run by `pnpm bench:claims`.
export default packageTests('claims')
