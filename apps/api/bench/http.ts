// HTTP throughput of the API beside a bare Hono app, same run, each server in its own child
// process (the load generator runs here): `pnpm --filter @bi-perf/api bench`.
// Writes the Markdown section to /tmp/bench-section-api.md.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { SignJWT } from 'jose'

const here = dirname(fileURLToPath(import.meta.url))
const CONNECTIONS = 10
const DURATION_S = 5
const ROUNDS = 3
const COLD_SAMPLES = 5

interface Run {
  reqPerSec: number
  p50Ms: number
  p99Ms: number
  non2xx: number
}

async function startChild(script: string, env: Record<string, string> = {}) {
  // stdout (the access log) goes to /dev/null, not through this busy process; the child reports
  // its port over IPC.
  const child = spawn(
    process.execPath,
    ['--conditions=@bi-perf/source', '--import', 'tsx', join(here, script)],
    {
      env: { ...process.env, ...env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  )
  const ready = await new Promise<{ port: number; detail?: string }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number; detail?: string }))
    child.once('exit', (code) =>
      reject(new Error(`${script} exited with ${code} before it was ready`)),
    )
  })
  child.disconnect()
  return { child, port: ready.port, detail: ready.detail }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

async function load(url: string, headers: Record<string, string> = {}): Promise<Run> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers })
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

const secret = randomBytes(32).toString('base64url')
const sign = (role: string) =>
  new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret))
const viewer = { Authorization: `Bearer ${await sign('viewer')}` }
const admin = { Authorization: `Bearer ${await sign('admin')}`, 'Content-Type': 'application/json' }

const bare = await startChild('bare-server.ts')
const api = await startChild('api-server.ts', { BENCH_JWT_SECRET: secret })
const bareUrl = `http://127.0.0.1:${bare.port}`
const apiUrl = `http://127.0.0.1:${api.port}`

const contenders: { name: string; url: string; headers?: Record<string, string> }[] = [
  { name: 'bare Hono `GET /ping`', url: `${bareUrl}/ping` },
  { name: 'ours `GET /health`', url: `${apiUrl}/health` },
  {
    name: 'ours `GET /performance/status` (JWT)',
    url: `${apiUrl}/performance/status`,
    headers: viewer,
  },
]
const runs = new Map<string, Run[]>(contenders.map((contender) => [contender.name, []]))
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse()
    for (const contender of order) {
      const run = await load(contender.url, contender.headers)
      if (run.non2xx > 0)
        throw new Error(`${contender.name}: ${run.non2xx} failed or non-2xx responses`)
      runs.get(contender.name)!.push(run)
      console.error(
        `round ${round + 1} ${contender.name}: ${run.reqPerSec.toFixed(0)} req/s, p99 ${run.p99Ms} ms`,
      )
    }
  }

  // The demo dashboard: cold (right after clearing the cache) vs cached.
  let analytics: { coldMs: number; cached: Run } | undefined
  if (api.detail === 'ready') {
    const coldMs: number[] = []
    for (let sample = 0; sample < COLD_SAMPLES; sample++) {
      const cleared = await fetch(`${apiUrl}/performance/cache/clear`, {
        method: 'POST',
        headers: admin,
        body: '{}',
      })
      if (!cleared.ok) throw new Error(`cache clear answered ${cleared.status}`)
      const started = performance.now()
      const response = await fetch(`${apiUrl}/analytics/dashboard`, { headers: viewer })
      await response.arrayBuffer()
      if (!response.ok) throw new Error(`/analytics/dashboard answered ${response.status}`)
      coldMs.push(performance.now() - started)
    }
    const cached = await load(`${apiUrl}/analytics/dashboard`, viewer)
    if (cached.non2xx > 0)
      throw new Error(`/analytics/dashboard: ${cached.non2xx} failed responses`)
    analytics = { coldMs: median(coldMs), cached }
  }

  const summary = contenders.map((contender) => {
    const list = runs.get(contender.name)!
    return {
      name: contender.name,
      reqPerSec: median(list.map((run) => run.reqPerSec)),
      p99Ms: median(list.map((run) => run.p99Ms)),
    }
  })
  const baseline = summary[0]!.reqPerSec
  const rows = summary.map(
    (entry) =>
      `| ${entry.name} | ${entry.reqPerSec.toFixed(0)} | ${entry.p99Ms} | ${(entry.reqPerSec / baseline).toFixed(2)}× |`,
  )
  const cpu = cpus()
  const lines = [
    '## API server (apps/api)',
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    '- Command: `flock /tmp/bi-perf-bench.lock npx -y pnpm@10.34.9 --filter @bi-perf/api bench`',
    `- Method: autocannon in the parent process, each server in its own child process; ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} interleaved rounds, median of the rounds. Our server is the production stack: JSON access log per request (stdout to /dev/null), the 5 API security headers, request id, HTTP metrics, memory rate limiter (limit out of reach) and bearer JWT (HS256) on /performance/*, verified once per token then cached; optimizer on PGlite with the demo workload seeded, no Redis. The gap to bare Hono is that per-request work plus ~0.4 KB more headers per response for the load generator to parse.`,
    '',
    '| Route | req/s (median) | p99 ms | vs bare Hono |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    `Target: \`/performance/status\` ≥ 0.5× bare Hono; measured ${(summary[2]!.reqPerSec / baseline).toFixed(2)}×.`,
  ]
  if (analytics) {
    lines.push(
      '',
      '| `GET /analytics/dashboard` (demo BI, PGlite) | value |',
      '| --- | ---: |',
      `| cold (after \`POST /performance/cache/clear\`), median of ${COLD_SAMPLES} | ${analytics.coldMs.toFixed(1)} ms |`,
      `| cached, median latency (autocannon) | ${analytics.cached.p50Ms} ms |`,
      `| cached, p99 latency | ${analytics.cached.p99Ms} ms |`,
      `| cached, req/s | ${analytics.cached.reqPerSec.toFixed(0)} |`,
      `| cold / cached median latency | ${(analytics.coldMs / Math.max(analytics.cached.p50Ms, 0.001)).toFixed(0)}× |`,
    )
  } else {
    lines.push(
      '',
      `TODO: the demo workload was not ready (state ${api.detail}), so /analytics/dashboard was not measured.`,
    )
  }
  const markdown = `${lines.join('\n')}\n`
  writeFileSync('/tmp/bench-section-api.md', markdown)
  process.stdout.write(markdown)
} finally {
  await Promise.all([stop(bare.child), stop(api.child)])
}
