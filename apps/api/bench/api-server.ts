// Our server for bench/http.ts: the real createApp on PGlite with the demo workload, its access
// log on (stdout is /dev/null), a rate limit high enough never to answer 429.
import { createOptimizer, resolveConfig } from '@bi-perf/core'
import { createApp } from '../src/app.js'
import { startDemoWorkload } from '../src/demo/workload.js'
import { createLogger } from '../src/logger.js'
import { listen } from '../src/server.js'

const secret = process.env.BENCH_JWT_SECRET
if (!secret) throw new Error('BENCH_JWT_SECRET is required')

const config = resolveConfig({
  redis: { prefix: `bench-api-${process.pid}` },
  tasks: { queue: `bench-api-${process.pid}` },
  server: { auth: { jwtSecret: secret }, rateLimit: { requests: 1_000_000_000, window: '1m' } },
})
const logger = createLogger('info')
const optimizer = await createOptimizer(config)
await optimizer.start()
// No refresh during the run: a refresh invalidates the cached widgets on purpose.
const demo = await startDemoWorkload(optimizer, logger.child({ component: 'demo' }), {
  refreshInterval: '1h',
})
const demoState = await demo.ready
const app = createApp({
  optimizer,
  config,
  logger,
  environment: 'production',
  processMetrics: false,
  demo,
})
const server = await listen(app.fetch, { port: 0, host: '127.0.0.1' })
process.send?.({ port: server.port, detail: demoState })

process.on('SIGTERM', () => {
  void (async () => {
    await server.close(2_000)
    await demo.close()
    await optimizer.stop()
    process.exit(0)
  })()
})
