import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import { createCache, type CompressionCodec } from '@bi-perf/cache'
import { Redis } from 'ioredis'
import { compressSync, uncompressSync } from 'lz4-napi'
import { pack } from 'msgpackr'
import { measure, report } from '@bi-perf/bench'
import { waitFor } from '@bi-perf/test-services'
import { hundredKibObject } from './payloads.js'

/** 100 KiB JSON-like value through Redis: set + get round trip and stored size per codec. */
export async function compressionBench(redisUrl: string, prefix: string): Promise<string> {
  const value = hundredKibObject()
  const inspector = new Redis(redisUrl)
  const codecs: CompressionCodec[] = ['lz4', 'gzip', 'none']
  const caches = codecs.map((codec) =>
    createCache({
      redis: redisUrl,
      prefix: `${prefix}:${codec}`,
      l1: { enabled: false },
      compression: { codec },
      commandTimeout: '1s',
    }),
  )
  const sizes = new Map<string, number>()
  for (const [index, cache] of caches.entries()) {
    await waitFor(() => cache.stats().l2?.connection === 'ready', { what: 'Redis to be ready' })
    await cache.set('big', value)
    sizes.set(codecs[index]!, await inspector.strlen(`${prefix}:${codecs[index]}:big`))
  }
  const results = await measure(
    caches.map((cache, index) => ({
      name: `${codecs[index]} set + get`,
      fn: async () => {
        await cache.set('big', value)
        await cache.get('big')
      },
    })),
  )
  for (const cache of caches) {
    await cache.clear()
    await cache.close()
  }
  inspector.disconnect()
  const json = Buffer.byteLength(JSON.stringify(value))
  const table = report('100 KiB JSON-like value, set + get round trip through Redis', results, [
    'gzip set + get',
  ])
  // The codecs alone, as the cache calls them (gzip on the thread pool), on the serialized value.
  const serialized = pack(value)
  const gzipAsync = promisify(gzip)
  const gunzipAsync = promisify(gunzip)
  const codecResults = await measure([
    { name: 'lz4 compress + decompress', fn: () => uncompressSync(compressSync(serialized)) },
    {
      name: 'gzip compress + decompress',
      fn: async () => gunzipAsync(await gzipAsync(serialized)),
    },
  ])
  const codecTable = report(
    `Codec alone on the ${Math.round(serialized.length / 1024)} KiB serialized value`,
    codecResults,
    ['gzip compress + decompress'],
  )
  const sizeLines = [
    '| codec | stored bytes | of JSON size |',
    '|---|---|---|',
    ...codecs.map(
      (codec) =>
        `| ${codec} | ${sizes.get(codec)} | ${((100 * sizes.get(codec)!) / json).toFixed(1)} % |`,
    ),
    `| (JSON text) | ${json} | 100 % |`,
    '',
  ].join('\n')
  console.log(sizeLines)
  return `${table}\n${codecTable}\n${sizeLines}`
}
