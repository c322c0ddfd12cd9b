/* global process */
// `pnpm topology:down`: stops what `pnpm topology:up` started (by pid, from .topology/state.json)
// and removes .topology/.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_DIR, readState, stopTopology } from './topology.mjs'

if (!existsSync(join(DEFAULT_DIR, 'state.json'))) {
  process.stdout.write('topology: not running (no .topology/state.json)\n')
  process.exit(0)
}
const state = readState(DEFAULT_DIR)
await stopTopology(state)
process.stdout.write(
  `topology: stopped ${state.workers.length} workers, ${state.apis.length} APIs and ${state.redis.length} Redis nodes\n`,
)
