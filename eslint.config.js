import { biPerfConfig } from '@bi-perf/eslint-config'

export default biPerfConfig(import.meta.dirname)
