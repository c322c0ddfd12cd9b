import { packageBuild } from '@bi-perf/build-config/tsup'

export default packageBuild()
