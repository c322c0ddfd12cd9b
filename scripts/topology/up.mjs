/* global process */
// `pnpm topology:up`: starts the scaled-out topology (3-master Redis Cluster, 3 API instances,
// 3 workers) in the background, writes .topology/state.json and prints the URLs.
// `pnpm topology:down` stops it. Expects a build (`pnpm topology:up` builds first).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_DIR, startTopology } from './topology.mjs'

if (existsSync(join(DEFAULT_DIR, 'state.json'))) {
  process.stderr.write(
    `topology: already up (${DEFAULT_DIR}/state.json); run pnpm topology:down first\n`,
  )
  process.exit(1)
}

try {
  const state = await startTopology()
  const lines = [
    `Redis Cluster: ${state.clusterNodes} (prefix ${state.prefix})`,
    `PostgreSQL:    ${state.databaseUrl}`,
    ...state.apis.map((api) => `API:           ${api.url}  (pid ${api.pid}, log ${api.log})`),
    ...state.workers.map((worker) => `worker:        pid ${worker.pid}  (log ${worker.log})`),
    '',
    `Dashboard (admin token, 12 h): ${state.dashboardUrl}`,
    `State: ${join(state.dir, 'state.json')}. Stop with: pnpm topology:down`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
} catch (error) {
  process.stderr.write(`topology: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
