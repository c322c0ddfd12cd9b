#!/usr/bin/env node
/* global process, URL, setTimeout */
// Run by `pnpm test` before vitest, so the README's test command works on a fresh clone: it builds
// the packages whose `dist/` the spawned processes load (turbo skips what is up to date), makes
// sure Redis and PostgreSQL answer (starting Debian's own services when they are installed and we
// are root, as CI does), and installs Debian's Chromium for the dashboard test when missing.
// Whatever it cannot do itself it names in one line and exits 1, before any test runs.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { Socket } from 'node:net'

const CHROMIUM = '/usr/bin/chromium'
const isRoot = process.getuid?.() === 0

await ensureService(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'Redis', 6379, startRedis)
await ensureService(
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  'PostgreSQL',
  5432,
  startPostgres,
)
ensureChromium()
run('build', 'pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'])

/**
 * Resolves when `url`'s host and port accept a TCP connection. Otherwise, when the URL names the
 * machine's own service on its standard port, starts that service once (root only); any other
 * URL is the user's own server, which we never start.
 */
async function ensureService(url, name, standardPort, start) {
  const { hostname, port: given } = new URL(url)
  const host = hostname.replace(/^\[|\]$/g, '')
  const port = Number(given || standardPort)
  if (await answers(host, port)) return
  const local = host === '127.0.0.1' || host === 'localhost' || host === '::1'
  if (!local || port !== standardPort || !isRoot || !start()) {
    fail(`${name} does not answer at ${host}:${port}: start it, or point the URL at one`)
  }
  for (let attempt = 0; attempt < 60; attempt += 1) {
    if (await answers(host, port)) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  fail(`${name} was started but does not answer at ${host}:${port} after 30 s`)
}

function answers(host, port) {
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.connect(port, host, () => done(true))
  })
}

/** The shared Redis the way CI starts it: no persistence, loopback only. */
function startRedis() {
  if (!onPath('redis-server')) return false
  mkdirSync('/var/lib/redis', { recursive: true })
  mkdirSync('/var/log/redis', { recursive: true })
  const args = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379']
  args.push('--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis')
  args.push('--logfile', '/var/log/redis/ci.log')
  return spawnSync('redis-server', args, { stdio: 'inherit' }).status === 0
}

function startPostgres() {
  if (!onPath('pg_ctlcluster') || !existsSync('/etc/postgresql')) return false
  const [version] = readdirSync('/etc/postgresql')
  const args = ['--skip-systemctl-redirect', version, 'main', 'start']
  return spawnSync('pg_ctlcluster', args, { stdio: 'inherit' }).status === 0
}

/** The dashboard test drives Debian's Chromium with playwright-core; never a downloaded one. */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return
  if (!isRoot || !onPath('apt-get')) {
    fail(`Chromium not found at ${CHROMIUM}: run \`sudo apt-get install -y chromium\` (Debian)`)
  }
  process.stdout.write('test setup: installing Debian chromium for the dashboard test\n')
  run('apt-get update', 'apt-get', ['update', '-qq'], { quiet: true })
  run('apt-get install chromium', 'apt-get', ['install', '-y', '-qq', 'chromium'], { quiet: true })
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

function run(what, command, args, { quiet = false } = {}) {
  try {
    execFileSync(command, args, {
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  } catch {
    fail(`${what} failed (see above)`)
  }
}

function fail(message) {
  process.stderr.write(`test setup: ${message}\n`)
  process.exit(1)
}
