import { startApi } from './api-process.js'
import type { ClaimResult } from './claim.js'
import { connectionPoolingClaim } from './claims/connection-pooling.js'
import { dashboardCachingClaim } from './claims/dashboard-caching.js'
import { memoryProfilesClaim, readSteadyMemory } from './claims/memory-profiles.js'
import { monitorOverheadClaim } from './claims/monitor-overhead.js'
import { queryCachingClaim } from './claims/query-caching.js'
import { runDemoWorkload } from './workload.js'

/** The workload both profile processes run before their memory is read. */
const WORKLOAD = { refreshes: 150, concurrency: 4 }
const WORKLOAD_TEXT = `${WORKLOAD.refreshes} dashboard-page refreshes by ${WORKLOAD.concurrency} concurrent viewers, each GET /analytics/dashboard, /analytics/history and /performance/status`

/**
 * Measures every seed claim, one after another (never two at once: they would compete for the
 * cores), and returns the results in the seed's order. `log` gets a progress line per step.
 */
export async function runClaims(log: (line: string) => void): Promise<ClaimResult[]> {
  log('claims: starting the built API with the `balanced` profile')
  const balancedApi = await startApi({ profile: 'balanced' })
  let balanced
  let dashboard: ClaimResult
  let queryCaching: ClaimResult
  try {
    log(`claims: demo workload on \`balanced\` (${WORKLOAD_TEXT})`)
    await runDemoWorkload(balancedApi, WORKLOAD)
    balanced = await readSteadyMemory(balancedApi, 'balanced')
    log('claims: dashboard cold vs cached')
    dashboard = await dashboardCachingClaim(balancedApi)
    log('claims: database load with vs without the query cache (2 × 30 s)')
    queryCaching = await queryCachingClaim(balancedApi)
  } finally {
    await balancedApi.stop()
  }

  log('claims: starting the built API with the `memory` profile')
  const memoryApi = await startApi({ profile: 'memory' })
  let memory
  try {
    log('claims: demo workload on `memory`')
    await runDemoWorkload(memoryApi, WORKLOAD)
    memory = await readSteadyMemory(memoryApi, 'memory')
  } finally {
    await memoryApi.stop()
  }
  const memoryProfiles = memoryProfilesClaim(balanced, memory, WORKLOAD_TEXT)

  log('claims: connection pooling on PostgreSQL')
  const pooling = await connectionPoolingClaim()

  log('claims: monitor overhead (idle processes, 3 rounds × 2 contenders × 12 s)')
  const monitor = await monitorOverheadClaim({ log })

  return [dashboard, memoryProfiles, pooling, queryCaching, monitor]
}
