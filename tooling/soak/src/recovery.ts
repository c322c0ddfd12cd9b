import { Redis } from 'ioredis'
import { peersHealthy } from './consistency-sampler.js'
import type { FaultKind } from './faults.js'
import { call } from './http.js'
import { sleep } from './sleep.js'
import type { Topology } from './topology.js'

/** How often a recovery probe looks. */
const PROBE_EVERY_MS = 200

/** What one probe look found: green, or why not. */
type Look = { green: true } | { green: false; why: string }

/**
 * Polls the probe of the component a fault hit until it is green, or until `deadlineMs`
 * passed. Resolves with the epoch ms it turned green, or with what it last saw.
 *
 * - Redis faults: Redis answers PING, `GET /health` is 200 with the cache and task queue `ok`,
 *   and both cache peers are connected with their journals replayed and the bus subscribed;
 * - PostgreSQL faults: `GET /health` is 200 with the database `ok`, and a scrape progress read
 *   with `fresh=true` (a query on the soak database) answers 200;
 * - a worker crash: the restarted worker has run a task (a row of its own in `demo_scrape_runs`).
 *
 * @example
 * const outcome = await waitRecovered('redis-kill', topology, record.injectedAt, 60_000)
 */
export async function waitRecovered(
  kind: FaultKind,
  topology: Topology,
  since: number,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<{ recoveredAt: number } | { lastProbe: string }> {
  const deadline = Date.now() + deadlineMs
  let last = 'not probed'
  while (Date.now() < deadline) {
    const look = await probe(kind, topology, since)
    if (look.green) return { recoveredAt: Date.now() }
    last = look.why
    await sleep(PROBE_EVERY_MS, signal)
  }
  return { lastProbe: last }
}

async function probe(kind: FaultKind, topology: Topology, since: number): Promise<Look> {
  switch (kind) {
    case 'redis-kill':
    case 'redis-stop': {
      if (!(await redisAnswers(topology.redis.url)))
        return { green: false, why: 'Redis does not answer PING' }
      const health = await components(topology)
      if ('why' in health) return { green: false, why: health.why }
      for (const name of ['cache', 'tasks']) {
        if (health.states[name] !== 'ok')
          return { green: false, why: `/health ${name} is ${health.states[name]}` }
      }
      if (!(await peersHealthy(topology.writer, topology.reader)))
        return {
          green: false,
          why: 'a cache peer is not settled (connection, breaker, journal or bus)',
        }
      return { green: true }
    }
    case 'pg-terminate':
    case 'pg-restart': {
      const health = await components(topology)
      if ('why' in health) return { green: false, why: health.why }
      if (health.states.db !== 'ok')
        return { green: false, why: `/health db is ${health.states.db}` }
      const read = await call(`${topology.api.url}/analytics/scrape/soak-probe?fresh=true`, {
        headers: { authorization: `Bearer ${topology.viewerToken}` },
        timeoutMs: 2_000,
      })
      if (!read.ok || read.status !== 200)
        return { green: false, why: `fresh scrape read: ${read.ok ? read.status : read.error}` }
      return { green: true }
    }
    case 'worker-kill': {
      // The restarted worker is back once it runs tasks (the API's instance list would lag
      // behind by a heartbeat interval).
      const restarted = topology.workers.filter((w) => w.managed.startedAt >= since)
      for (const worker of restarted) {
        const ran = await topology.db.pool
          .query('select 1 from demo_scrape_runs where worker = $1 limit 1', [
            topology.instanceOf(worker),
          ])
          .then(({ rowCount }) => (rowCount ?? 0) > 0)
          .catch(() => false)
        if (!ran) return { green: false, why: `${worker.managed.name} has run no task yet` }
      }
      return { green: true }
    }
  }
}

async function components(
  topology: Topology,
): Promise<{ states: Record<string, string> } | { why: string }> {
  const health = await call(`${topology.api.url}/health`, { timeoutMs: 2_000 })
  if (!health.ok) return { why: `/health: ${health.error}` }
  if (health.status !== 200) return { why: `/health answered ${health.status}` }
  const body = health.body as { components?: Record<string, { state?: string }> }
  const states: Record<string, string> = {}
  for (const [name, component] of Object.entries(body.components ?? {}))
    states[name] = component.state ?? 'unknown'
  return { states }
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    commandTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}
