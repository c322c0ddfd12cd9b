// What each library's README example needs beyond the package: the names it leaves to the
// reader (a loader, a logger, rows), the table it queries, and the closing a service would do on
// shutdown. A published package missing here still runs its example, with nothing added.

/** The `prices` table the db and core examples query, as a user's migration would create it. */
const PRICES_TABLE = `CREATE TABLE prices (
  id serial PRIMARY KEY, product_id integer NOT NULL, price numeric NOT NULL, at timestamptz NOT NULL
)`

const LOGGER = `globalThis.log = { info() {}, warn() {}, error() {} }`

/**
 * @type {Record<string, {
 *   database?: string,
 *   placeholders?: string,
 *   epilogue?: string,
 *   rewrites?: (dir: string) => [string, string][],
 * }>}
 */
export const libraryScenarios = {
  '@bi-perf/cache': {
    placeholders: `globalThis.db = { salesByRegion: async (quarter) => [{ quarter, region: 'emea', total: 1 }] }`,
  },
  '@bi-perf/db': {
    database: PRICES_TABLE,
    placeholders: [
      `globalThis.cache = undefined`,
      `globalThis.manyRows = [{ product_id: 7, price: '1.50', at: new Date() }]`,
      `globalThis.rowStream = [{ product_id: 8, price: '2.50', at: new Date() }]`,
    ].join('\n'),
  },
  '@bi-perf/tasks': {
    placeholders: `globalThis.generateInsights = async (accountId) => ({ accountId })`,
    epilogue: `await tasks.close()`,
  },
  '@bi-perf/memory': {
    placeholders: [
      LOGGER,
      `globalThis.cache = { shrink() {}, async clear() {} }`,
      `globalThis.socket = { write() {} }`,
      `globalThis.encodeInto = (frame) => frame`,
      `globalThis.row = {}`,
    ].join('\n'),
    // The heap snapshot goes into the scenario's folder, which is removed afterwards.
    rewrites: (dir) => [[`'/var/tmp'`, JSON.stringify(dir)]],
  },
  '@bi-perf/monitor': { placeholders: LOGGER },
  '@bi-perf/core': {
    database: PRICES_TABLE,
    placeholders: [
      `globalThis.buildReport = async () => ({ rows: 0 })`,
      `globalThis.refreshInsights = async () => {}`,
    ].join('\n'),
    epilogue: `await perf.stop()`,
  },
}
