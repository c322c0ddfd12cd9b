// `node --import tsx bench/workers-main.ts [--cluster]`: only the worker-process benchmark, on
// the shared Redis, or with --cluster on a three-master cluster started (and stopped) here.
import { machine } from '@bi-perf/bench'
import { OwnedCluster, redisUrl } from '@bi-perf/test-services'
import { workersBench } from './workers.js'

console.log(`@bi-perf/tasks workers benchmark — ${new Date().toISOString()} — ${machine()}\n`)
if (process.argv.includes('--cluster')) {
  const owned = await OwnedCluster.start({ fsync: 'everysec' })
  try {
    await workersBench({ label: '3-master Cluster', redis: owned.nodes })
  } finally {
    await owned.stop()
  }
} else {
  await workersBench({ label: 'single Redis', redis: redisUrl() })
}
