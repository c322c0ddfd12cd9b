// One worker process of the workers benchmark: opens the queue, says it is ready, starts
// working when told to (so process boot is not timed) and exits when told to stop.
import { Cluster } from 'ioredis'
import { createTaskQueue } from '@bi-perf/tasks'

interface Setup {
  name: string
  prefix: string
  /** A Redis URL, or the nodes of a cluster. */
  redis: string | { host: string; port: number }[]
  concurrency: number
  taskMs: number
}

const setup = JSON.parse(process.argv[2]!) as Setup
const cluster = typeof setup.redis === 'string' ? undefined : new Cluster(setup.redis)
const tasks = createTaskQueue({
  name: setup.name,
  redis: cluster ?? (setup.redis as string),
  prefix: setup.prefix,
  concurrency: setup.concurrency,
})
tasks.on('error', () => {})

process.on('message', (message: string) => {
  if (message === 'go') {
    tasks.define('work', () =>
      setup.taskMs > 0 ? new Promise((resolve) => setTimeout(resolve, setup.taskMs)) : undefined,
    )
  } else if (message === 'stop') {
    void tasks.close({ timeout: 5_000 }).finally(() => {
      cluster?.disconnect()
      process.exit(0)
    })
  }
})
process.send!('ready')
