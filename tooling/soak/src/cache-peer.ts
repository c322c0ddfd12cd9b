// A @bi-perf/cache instance in its own process, driven by the soak harness over IPC: the writer
// peer sets keys, the reader peer gets them, both report their Redis state. Settings as core
// gives the API (100 ms command timeout, 2 s connect timeout). Run with `node --import tsx`.
import { createCache } from '@bi-perf/cache'
import type { PeerReply, PeerRequest } from './peer-protocol.js'

const redis = process.env.SOAK_REDIS_URL
const prefix = process.env.SOAK_CACHE_PREFIX
if (!redis || !prefix || !process.send) {
  process.stderr.write('cache-peer: needs SOAK_REDIS_URL, SOAK_CACHE_PREFIX and an IPC channel\n')
  process.exit(2)
}

const cache = createCache({ redis, prefix, commandTimeout: '100ms', connectTimeout: '2s' })

process.on('message', (message: PeerRequest) => {
  void answer(message).then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({ id: message.id, error: String(error) } satisfies PeerReply),
  )
})

async function answer(request: PeerRequest): Promise<PeerReply> {
  switch (request.op) {
    case 'set': {
      // Writes are sent one at a time, so the counter moves for this write only: `sets` counts
      // the writes Redis acknowledged.
      const before = cache.stats().l2?.sets ?? 0
      await cache.set(request.key, request.value, { ttl: '1h' })
      return { id: request.id, reached: (cache.stats().l2?.sets ?? 0) > before }
    }
    case 'get': {
      // Reads are sent one at a time too: a moved error or skip counter belongs to this read.
      const failures = () => (cache.stats().l2?.errors ?? 0) + (cache.stats().l2?.skipped ?? 0)
      const before = failures()
      const value = await cache.get<number>(request.key)
      return { id: request.id, value: value ?? null, redisFailed: failures() > before }
    }
    case 'state': {
      const l2 = cache.stats().l2
      return {
        id: request.id,
        state: {
          connection: l2?.connection ?? 'none',
          breaker: l2?.breaker ?? 'none',
          pendingInvalidations: l2?.pendingInvalidations ?? 0,
          subscribed: l2?.subscribed ?? false,
        },
      }
    }
  }
}

// Graceful stop: close() sends what is queued and tries the journal once more.
process.once('SIGTERM', () => {
  void cache.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
