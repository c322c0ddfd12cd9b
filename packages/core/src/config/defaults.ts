import { DEFAULTS as CACHE } from '@bi-perf/cache/defaults'
import { DEFAULTS as DB } from '@bi-perf/db/defaults'
import { DEFAULTS as MEMORY } from '@bi-perf/memory/defaults'
import { DEFAULTS as MONITOR } from '@bi-perf/monitor/defaults'
import { DEFAULTS as TASKS } from '@bi-perf/tasks/defaults'

// Every default the configuration shares with a feature package is that package's `DEFAULTS`:
// the schema, the `balanced` profile and the generated bi-perf.example.yaml read them from here,
// so a default changes in its package and nowhere else. Each comes from the package's light
// `./defaults` entry: the configuration loader (`@bi-perf/core/config`) must not load a whole
// package (the database driver, Redis clients) before a component is even enabled.

/** The feature packages' own defaults, by the configuration section that passes them on. */
export const PACKAGE_DEFAULTS = Object.freeze({
  cache: CACHE,
  database: DB,
  tasks: TASKS,
  memory: MEMORY,
  monitor: MONITOR,
})

/**
 * Where core's configuration deliberately differs from a package default, each with its reason.
 * A test holds every other schema default equal to its package's.
 */
export const SERVICE_DEFAULTS = Object.freeze({
  redis: Object.freeze({
    /**
     * 2s, not the cache library's 1s: a service starts beside its Redis (a container started at
     * the same time, a managed instance across a network), and cache calls made at start-up wait
     * for the connection before falling back.
     */
    connectTimeout: '2s',
  }),
} as const)
