import packageJson from '../package.json' with { type: 'json' }

/** The version of @bi-perf/cli. */
export const version: string = packageJson.version
