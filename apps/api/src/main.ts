// The API server process: configuration from the environment (core's loadConfig), the
// optimizer, the HTTP server, the demo workload without a database, and a graceful shutdown.
import { createOptimizer, loadConfig, type BiPerfConfig } from '@bi-perf/core'
import { createApp } from './app.js'
import { createDevelopmentAuth } from './auth/development-auth.js'
import { configuredKeySources } from './auth/token-verifier.js'
import { defineScrapeTask } from './demo/scrape.js'
import { startDemoWorkload } from './demo/workload.js'
import { describeNodeEnv, readEnvironment } from './environment.js'
import { DRAIN_TIMEOUT, onGracefulShutdown } from './graceful-shutdown.js'
import { createLogger, stdoutLog } from './logger.js'
import { resolveLogFormat } from './pretty-log.js'
import { listen } from './server.js'
import { dashboardLine, renderStartBanner, type DashboardAccess } from './start-banner.js'
import { version } from './version.js'

const environment = readEnvironment(process.env.NODE_ENV)

let config: BiPerfConfig
try {
  config = await loadConfig({ env: process.env })
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}

if (configuredKeySources(config.server.auth).length === 0 && environment === 'production') {
  fail(
    `refusing to start: production (${describeNodeEnv(process.env.NODE_ENV)}) and no auth configured; set BI_PERF_JWT_SECRET, BI_PERF_JWT_PUBLIC_KEY or BI_PERF_JWKS_URL, or NODE_ENV=development for a throwaway development token`,
  )
}

// On a terminal, a banner and short lines for people; JSON lines for anything that parses them.
const logFormat = resolveLogFormat(config.server.logFormat, process.stdout.isTTY === true)
const logger = createLogger(config.server.logLevel, undefined, logFormat)
if (environment === 'production' && config.server.metricsToken === undefined) {
  logger.warn(
    'GET /metrics answers 401: production and no metrics token; set BI_PERF_SERVER_METRICS_TOKEN (server.metricsToken) to scrape it',
  )
}
let access: DashboardAccess = config.server.auth.jwtSecret
  ? { kind: 'secret' }
  : { kind: 'identity-provider' }
if (configuredKeySources(config.server.auth).length === 0) {
  // Never a default secret: a random one that dies with the process, and an admin token for it.
  const development = await createDevelopmentAuth(config.server.auth)
  access = { kind: 'development-token', token: development.adminToken, ttl: '12 h' }
  config = {
    ...config,
    server: { ...config.server, auth: { ...config.server.auth, jwtSecret: development.secret } },
  }
}

const optimizer = await createOptimizer(config)
// A producer-only instance (tasks.worker: false) only enqueues; bi-perf-worker processes run them.
if (config.tasks.worker) defineScrapeTask(optimizer)
await optimizer.start()
const shutdown = new AbortController()

// Seeding runs in the background; the app serves 503 E_DEMO_SEEDING until it is done.
const demo = config.database.url
  ? undefined
  : await startDemoWorkload(optimizer, logger.child({ component: 'demo' }))

let server
try {
  const app = createApp({
    optimizer,
    config,
    logger,
    environment,
    shutdown: shutdown.signal,
    ...(demo ? { demo } : {}),
  })
  server = await listen(app.fetch, {
    port: config.server.port,
    host: config.server.host,
    timeouts: config.server.timeouts,
    maxConnections: config.server.maxConnections,
  })
} catch (error) {
  await demo?.close()
  await optimizer.stop()
  fail(error instanceof Error ? error.message : String(error))
}
const running = server

onGracefulShutdown({
  logger,
  announce: 'shutting down: draining requests',
  async drain() {
    // Stop accepting first, then end the event streams, which would otherwise never drain.
    const closing = running.close(DRAIN_TIMEOUT)
    shutdown.abort()
    const { drained } = await closing
    return { drained }
  },
  demo,
  optimizer,
})

const browserUrl = running.url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:')
if (logFormat === 'pretty') {
  const banner = renderStartBanner({
    version,
    url: running.url,
    browserUrl,
    profile: optimizer.profile,
    environment,
    access,
    config,
  })
  stdoutLog().write(`${banner.join('\n')}\n`)
} else {
  logger.info(
    { url: running.url, dashboard: `${browserUrl}/`, profile: optimizer.profile, environment },
    `bi-perf-api listening on ${running.url}`,
  )
  if (access.kind === 'development-token') {
    logger.warn(
      `no auth configured: using a random secret for this process; dashboard (admin token, 12 h): ${browserUrl}/#token=${access.token}`,
    )
  } else {
    logger.info(`dashboard: ${dashboardLine({ browserUrl, access })}`)
  }
}

function fail(message: string): never {
  process.stderr.write(`bi-perf-api: ${message}\n`)
  process.exit(1)
}
