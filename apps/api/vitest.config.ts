import { packageTests } from '@bi-perf/build-config/vitest'

export default packageTests('api')
