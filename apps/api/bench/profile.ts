// CPU profile of our server under wrk load, for the findings in docs/benchmarks.md:
//   node --import tsx bench/profile.ts [route] [extra request header]
//   node --import tsx bench/profile.ts /analytics/dashboard 'Accept-Encoding: gzip'
// Writes the server's profiles (main thread and workers) to $PROFILE_DIR (/tmp/bi-perf-api-prof);
// open the `.0.001.cpuprofile` one (the main thread) in Chrome DevTools or speedscope.
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SignJWT } from 'jose'
import { ensureWrk } from '../test/ensure-wrk.js'

const here = dirname(fileURLToPath(import.meta.url))
const route = process.argv[2] ?? '/performance/status'
const extraHeader = process.argv[3]
const profileDir = process.env.PROFILE_DIR ?? '/tmp/bi-perf-api-prof'
const secret = randomBytes(32).toString('base64url')

const child = spawn(
  process.execPath,
  [
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
    '--conditions=@bi-perf/source',
    '--import',
    'tsx',
    join(here, 'api-server.ts'),
  ],
  {
    env: { ...process.env, BENCH_JWT_SECRET: secret, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  },
)
const ready = await new Promise<{ port: number }>((resolve) =>
  child.once('message', (message) => resolve(message as { port: number })),
)
child.disconnect()
const token = await new SignJWT({ role: 'viewer' })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('bench')
  .setExpirationTime('1h')
  .sign(new TextEncoder().encode(secret))
const output = execFileSync(
  ensureWrk(),
  [
    '-t1',
    '-c10',
    '-d8s',
    '-H',
    `Authorization: Bearer ${token}`,
    ...(extraHeader ? ['-H', extraHeader] : []),
    `http://127.0.0.1:${ready.port}${route}`,
  ],
  { encoding: 'utf8' },
)
process.stdout.write(output)
child.kill('SIGTERM')
await new Promise((resolve) => child.once('exit', resolve))
process.stdout.write(`profiles in ${profileDir}\n`)
