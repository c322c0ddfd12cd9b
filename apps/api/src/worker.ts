#!/usr/bin/env node
// `bi-perf-worker`: a task worker process, no HTTP server. Configuration from the environment
// (core's loadConfig) like the API, with `tasks.worker` forced on; it runs the demo's task
// handlers (`scrape-price`, `refresh-insights`) for API instances that only enqueue
// (`BI_PERF_TASKS_WORKER=false`). SIGTERM stops it gracefully: running tasks get the drain
// timeout to finish, unfinished ones go back to the queue for another worker.
import { createOptimizer, loadConfig, type BiPerfConfig } from '@bi-perf/core'
import { defineScrapeTask } from './demo/scrape.js'
import { startDemoWorkload } from './demo/workload.js'
import { DRAIN_TIMEOUT, onGracefulShutdown } from './graceful-shutdown.js'
import { createLogger } from './logger.js'

let config: BiPerfConfig
try {
  const loaded = await loadConfig({ env: process.env })
  config = { ...loaded, tasks: { ...loaded.tasks, worker: true } }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}
if (!config.tasks.enabled) fail('the task queue is disabled (tasks.enabled: false)')
if (!config.redis.url && !config.redis.clusterNodes?.length) {
  // Without Redis the queue is in-process: nothing any API instance enqueues would reach it.
  fail('a worker needs a shared queue: set REDIS_URL or REDIS_CLUSTER_NODES')
}

const logger = createLogger(config.server.logLevel)
if (!config.database.url) {
  logger.warn(
    'no DATABASE_URL: the handlers write to this process’s own embedded database, which no API instance reads',
  )
}

const optimizer = await createOptimizer(config)
// Handlers before start(), so the worker never takes a task it has no handler for.
defineScrapeTask(optimizer)
optimizer.tasks?.on('failed', ({ id, name, attempt, error, final }) => {
  logger.warn({ id, name, attempt, final, err: error }, `task ${name} ${id} failed`)
})
await optimizer.start()
// The refresh-insights handler lives in the demo workload; on a server without the demo tables
// it stays absent and defines nothing, and `seeding: 'never'` keeps it from loading any.
const demo = await startDemoWorkload(optimizer, logger.child({ component: 'demo' }), {
  seeding: 'never',
})

// Running tasks get the drain timeout to finish; unfinished ones go back to the queue.
onGracefulShutdown({
  logger,
  announce: 'shutting down: finishing running tasks',
  demo,
  optimizer,
  stopTimeout: DRAIN_TIMEOUT,
})

logger.info(
  { instance: optimizer.instance, queue: config.tasks.queue, profile: optimizer.profile },
  `bi-perf-worker running on queue ${config.tasks.queue}`,
)

function fail(message: string): never {
  process.stderr.write(`bi-perf-worker: ${message}\n`)
  process.exit(1)
}
