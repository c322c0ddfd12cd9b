import { measure } from './measure.js'
import type { BenchResult } from './report.js'
import { skipSuite, type SuiteDefinition, type SuiteOutcome } from './suite.js'
import { ApiResponseError } from '../errors.js'

const CONNECTIONS = 4

/**
 * The api suite (with `--url`): `GET /performance/status` with 4 requests in flight —
 * throughput (`status`, req/s) and latency (`status-p99`, ms). Stops early, with a note, when the
 * API's rate limit answers 429.
 */
export const apiSuite: SuiteDefinition = {
  suite: 'api',
  steps: ['status'],
  async run(context): Promise<SuiteOutcome> {
    const api = context.api
    if (!api) return skipSuite(this, context, 'no API to call: pass --url (or set BI_PERF_URL)')
    context.progress.step(`api GET ${api.url}/performance/status`)
    let limited = false
    // One call first, so a wrong URL or token fails with its own message.
    await api.get('/performance/status')
    const run = await measure(
      async () => {
        try {
          await api.get('/performance/status')
        } catch (error) {
          if (error instanceof ApiResponseError && error.status === 429) limited = true
          else throw error
        }
      },
      {
        durationMs: context.durationMs,
        concurrency: CONNECTIONS,
        shouldStop: () => limited,
        onProgress: (fraction) => context.progress.update(fraction),
      },
    )
    const results: BenchResult[] = [
      { suite: 'api', name: 'status', unit: 'req/s', value: run.opsPerSec, higherIsBetter: true },
      { suite: 'api', name: 'status-p99', unit: 'ms', value: run.p99Ms, higherIsBetter: false },
    ]
    const notes = limited
      ? [
          `api: the rate limit (429) stopped the run after ${run.operations} requests; raise server.rateLimit.requests on the server for benchmarks`,
        ]
      : []
    return { results, notes, beforeAfter: [] }
  },
}
