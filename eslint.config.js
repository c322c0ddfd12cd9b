import { biPerfConfig } from '@bi-perf/eslint-config'

export default biPerfConfig(import.meta.dirname, {
  // The API's browser dashboard: JavaScript checked by apps/api/src/dashboard/tsconfig.json.
  typedJs: ['apps/api/src/dashboard/*.js'],
})
