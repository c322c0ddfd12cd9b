import packageJson from '../package.json' with { type: 'json' }

/** The version of @bi-perf/api, reported by `/performance/status` and `/openapi.json`. */
export const version: string = packageJson.version
