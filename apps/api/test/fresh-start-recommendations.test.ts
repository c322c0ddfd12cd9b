import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { killApiProcesses, startApi } from './api-process.js'
import { bearer, hsToken, newSecret } from './helpers.js'

// Issue 17: a fresh start showed a CRITICAL leak suspicion while the demo data was seeded. This
// starts the real server on embedded defaults (PGlite, in-process cache and tasks, the demo
// workload), keeps a dashboard's worth of polling going, and watches what it says. CI runs one
// minute; FRESH_START_MS=600000 runs the ten minutes the issue asks for.
const DURATION_MS = Number(process.env.FRESH_START_MS ?? 60_000)
const POLL_MS = 5_000

interface Item {
  id: string
  priority: string
  title: string
  action: string
  evidence: { summary: string }
}

afterAll(() => killApiProcesses())

describe('fresh start on embedded defaults', () => {
  it(
    `shows no high or critical recommendation and no leak degradation for ${DURATION_MS / 1_000} s of idle demo workload`,
    async () => {
      const secret = newSecret()
      const api = await startApi({ NODE_ENV: 'production', BI_PERF_JWT_SECRET: secret })
      const headers = bearer(await hsToken(secret, {}, { expires: '1h' }))
      const alarms = new Map<string, string>()
      const leakReasons = new Set<string>()
      /** Every recommendation seen, at its latest, for the record. */
      const seen = new Map<string, string>()
      let polls = 0
      const startedAt = Date.now()
      const deadline = startedAt + DURATION_MS
      while (Date.now() < deadline) {
        const [recommendations, status] = await Promise.all([
          fetch(`${api.url}/performance/recommendations`, { headers }),
          fetch(`${api.url}/performance/status`, { headers }),
          // What an open dashboard asks for on every refresh.
          fetch(`${api.url}/analytics/dashboard`, { headers }).then((response) => response.text()),
        ])
        expect(recommendations.status).toBe(200)
        expect(status.status).toBe(200)
        const body = (await recommendations.json()) as Item[] | { recommendations: Item[] }
        const items = Array.isArray(body) ? body : body.recommendations
        for (const item of items) {
          seen.set(item.id, `${item.priority}: ${item.evidence.summary}`)
          if (item.priority === 'high' || item.priority === 'critical') {
            const at = `${Math.round((Date.now() - startedAt) / 1_000)} s`
            alarms.set(
              item.id,
              `${item.priority} at ${at}: ${item.evidence.summary} → ${item.action}`,
            )
          }
        }
        const state = (await status.json()) as {
          components: { memory?: { state: string; reasons: string[] } }
        }
        for (const reason of state.components.memory?.reasons ?? []) {
          if (reason.includes('leak')) leakReasons.add(reason)
        }
        polls++
        await delay(POLL_MS)
      }
      console.log(
        `fresh start, ${polls} polls over ${DURATION_MS / 1_000} s; recommendations seen (latest):\n` +
          ([...seen].map(([id, text]) => `  ${id} ${text}`).join('\n') || '  none'),
      )
      // The seed is what grew the heap in issue 17: it must have run inside the watched time.
      expect(api.stdout()).toMatch(/demo dataset (seeded|present)/)
      expect(polls).toBeGreaterThanOrEqual(Math.floor(DURATION_MS / (POLL_MS + 2_000)))
      expect([...alarms.entries()]).toEqual([])
      expect([...leakReasons]).toEqual([])
    },
    DURATION_MS + 90_000,
  )
})
