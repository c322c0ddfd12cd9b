// HTTP throughput of the API beside a bare Hono app (the ceiling) and the same features built by
// hand from stock parts (the peer), same run, each server in its own child process, loaded by
// autocannon and by wrk: `pnpm --filter @bi-perf/api bench`.
// Writes the Markdown section to /tmp/bench-section-api.md.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from '@bi-perf/bench'
import { SignJWT } from 'jose'
import { runLoad, type LoadGeneratorName, type LoadRun } from './load-generators.js'

const here = dirname(fileURLToPath(import.meta.url))
const CONNECTIONS = 10
const DURATION_S = 5
const ROUNDS = 3
const COLD_SAMPLES = 5
const GENERATORS: readonly LoadGeneratorName[] = ['autocannon', 'wrk']

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

const secret = randomBytes(32).toString('base64url')
const sign = (role: string) =>
  new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret))
const viewer = { Authorization: `Bearer ${await sign('viewer')}` }
const admin = { Authorization: `Bearer ${await sign('admin')}`, 'Content-Type': 'application/json' }

const api = await startChild('api-server.ts', { BENCH_JWT_SECRET: secret })
const apiUrl = `http://127.0.0.1:${api.port}`
// The peer answers with our status body, byte for byte what ours sends.
const statusBody = await (await fetch(`${apiUrl}/performance/status`, { headers: viewer })).text()
const bare = await startChild('bare-server.ts')
const byHand = await startChild('by-hand-server.ts', {
  BENCH_JWT_SECRET: secret,
  BENCH_STATUS_BODY: statusBody,
})
const bareUrl = `http://127.0.0.1:${bare.port}`
const byHandUrl = `http://127.0.0.1:${byHand.port}`
const demoReady = api.detail === 'ready'

interface Contender {
  key: string
  name: string
  url: string
  headers?: Record<string, string>
}
const contenders: Contender[] = [
  { key: 'bare', name: 'bare Hono `GET /ping`', url: `${bareUrl}/ping` },
  {
    key: 'byHand',
    name: 'by hand `GET /performance/status` (JWT)',
    url: `${byHandUrl}/performance/status`,
    headers: viewer,
  },
  { key: 'health', name: 'ours `GET /health`', url: `${apiUrl}/health` },
  {
    key: 'status',
    name: 'ours `GET /performance/status` (JWT)',
    url: `${apiUrl}/performance/status`,
    headers: viewer,
  },
  ...(demoReady
    ? [
        {
          key: 'dashboard',
          name: 'ours cached `GET /analytics/dashboard` (JWT, identity)',
          url: `${apiUrl}/analytics/dashboard`,
          headers: viewer,
        },
        {
          key: 'dashboardGzip',
          name: 'ours cached `GET /analytics/dashboard` (JWT, gzip)',
          url: `${apiUrl}/analytics/dashboard`,
          headers: { ...viewer, 'Accept-Encoding': 'gzip' },
        },
      ]
    : []),
]

const runs = new Map<string, LoadRun[]>()
const runsOf = (generator: LoadGeneratorName, key: string) => {
  const id = `${generator}:${key}`
  if (!runs.has(id)) runs.set(id, [])
  return runs.get(id)!
}
const loads: number[] = []

try {
  // Check what the load generators will get: the gzip contender must really be gzip.
  for (const contender of contenders) {
    const response = await fetch(contender.url, { headers: contender.headers })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`${contender.name} answered ${response.status}`)
  }
  if (demoReady) {
    const gzip = await fetch(`${apiUrl}/analytics/dashboard`, {
      headers: { ...viewer, 'Accept-Encoding': 'gzip' },
    })
    await gzip.arrayBuffer()
    if (gzip.headers.get('content-encoding') !== 'gzip')
      throw new Error('the gzip contender is not answered with gzip')
  }

  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse()
    for (const generator of GENERATORS) {
      for (const contender of order) {
        loads.push(loadavg()[0]!)
        const run = await runLoad(generator, {
          url: contender.url,
          ...(contender.headers ? { headers: contender.headers } : {}),
          connections: CONNECTIONS,
          durationSeconds: DURATION_S,
        })
        if (run.failed > 0) throw new Error(`${contender.name}: ${run.failed} failed responses`)
        runsOf(generator, contender.key).push(run)
        console.error(
          `round ${round + 1} ${generator} ${contender.name}: ${run.reqPerSec.toFixed(0)} req/s, p99 ${run.p99Ms} ms`,
        )
      }
    }
  }

  // The demo dashboard right after clearing the cache (cold), for the cold/cached ratio.
  let coldMs: number | undefined
  if (demoReady) {
    const samples: number[] = []
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
      samples.push(performance.now() - started)
    }
    coldMs = median(samples)
  }

  const figure = (generator: LoadGeneratorName, key: string) => {
    const list = runsOf(generator, key)
    return {
      reqPerSec: median(list.map((run) => run.reqPerSec)),
      p50Ms: median(list.map((run) => run.p50Ms)),
      p99Ms: median(list.map((run) => run.p99Ms)),
    }
  }
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`
  const rows = contenders.map((contender) => {
    const cells = GENERATORS.flatMap((generator) => {
      const own = figure(generator, contender.key)
      return [
        own.reqPerSec.toFixed(0),
        String(own.p99Ms),
        ratio(own.reqPerSec, figure(generator, 'bare').reqPerSec),
        ratio(own.reqPerSec, figure(generator, 'byHand').reqPerSec),
      ]
    })
    return `| ${contender.name} | ${cells.join(' | ')} |`
  })
  const verdict = (value: number, target: number) => {
    // Three decimals where two would round a miss up to the target (0.497 is not 0.50).
    const digits = value < target && Number(value.toFixed(2)) >= target ? 3 : 2
    return `${value.toFixed(digits)}× (target ≥ ${target}×: ${value >= target ? 'met' : '**not met**'})`
  }
  const targets = GENERATORS.map((generator) => {
    const of = (key: string) => figure(generator, key).reqPerSec
    const parts = [
      `status vs by hand ${verdict(of('status') / of('byHand'), 1.1)}`,
      `status vs bare ${verdict(of('status') / of('bare'), 0.5)}`,
      `health vs bare ${verdict(of('health') / of('bare'), 0.5)}`,
    ]
    if (demoReady) {
      parts.push(`cached dashboard vs /health ${verdict(of('dashboard') / of('health'), 0.7)}`)
    }
    return `- ${generator}: ${parts.join('; ')}`
  })
  const cpu = cpus()
  const load = { min: Math.min(...loads), max: Math.max(...loads) }
  const lines = [
    '## API server (apps/api)',
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; 1-minute load average ${load.min.toFixed(2)}–${load.max.toFixed(2)} during the runs`,
    '- Command: `flock /tmp/bi-perf-bench.lock npx -y pnpm@10.34.9 --filter @bi-perf/api bench`',
    `- Method: autocannon (in the parent process) and wrk (\`-t1\`), ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} interleaved rounds, median of the rounds; each server in its own child process.`,
    '',
    '| Route | autocannon req/s | p99 ms | vs bare | vs by hand | wrk req/s | p99 ms | vs bare | vs by hand |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...targets,
  ]
  if (coldMs !== undefined) {
    const cached = figure('wrk', 'dashboard')
    lines.push(
      '',
      `Dashboard cold (after \`POST /performance/cache/clear\`, median of ${COLD_SAMPLES}): ${coldMs.toFixed(1)} ms; cached median latency (wrk) ${cached.p50Ms} ms.`,
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
  await Promise.all([stop(bare.child), stop(byHand.child), stop(api.child)])
}
