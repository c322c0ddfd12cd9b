/* eslint-disable no-console -- an example reports what it did on stdout */
// AI model response caching with batching: a model's answers are cached by prompt, concurrent
// callers of one prompt share one model request (stampede protection), and bulk work goes through
// `batch()` in chunks, asking the model only for the prompts nobody has asked before.
//
//   node --import tsx examples/ai-response-cache/main.ts              # in-process cache
//   REDIS_URL=redis://127.0.0.1:6379 node --import tsx examples/…     # answers shared via Redis
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { batch, cached, createOptimizer, loadConfig } from '@bi-perf/core'
import { createFakeModel } from './fake-model.js'

// Built-in defaults ← bi-perf.yaml beside this file ← environment (REDIS_URL, BI_PERF_*).
const config = await loadConfig({ file: fileURLToPath(new URL('bi-perf.yaml', import.meta.url)) })
const perf = await createOptimizer(config)
const answers = perf.cache!.namespace('ai') // TTL 1 day, from bi-perf.yaml
const model = createFakeModel()

// One prompt per call, cached by prompt. The key prefix names the model and its version, so a
// new model never serves the old one's answers. Concurrent calls of one prompt share one request.
const summarize = cached((prompt: string) => model.complete(prompt), {
  cache: answers,
  key: 'fake-model-v1',
  ttl: '1d',
})

/**
 * Summarizes many prompts in chunks of 16, two chunks at a time. Each chunk reads the cached
 * answers in one `mget` (one round trip on Redis), sends only the missing prompts to the model's
 * batch endpoint and stores the new answers under the keys `summarize()` uses, so single calls
 * and batches share them.
 */
async function summarizeAll(prompts: string[]): Promise<{ fromCache: number; answers: string[] }> {
  let fromCache = 0
  const chunks = await batch(
    prompts,
    async (chunk) => {
      const keys = chunk.map((prompt) => summarize.key(prompt))
      const found = await answers.mget<string>(keys)
      const missing = chunk.filter((_, i) => found[i] === undefined)
      fromCache += chunk.length - missing.length
      if (missing.length === 0) return found as string[]
      const fresh = await model.completeMany(missing)
      await answers.mset(
        missing.map((prompt, i) => ({ key: summarize.key(prompt), value: fresh[i], ttl: '1d' })),
      )
      return chunk.map((prompt, i) => found[i] ?? fresh[missing.indexOf(prompt)]!)
    },
    { size: 16, concurrency: 2 },
  )
  return { fromCache, answers: chunks.flat() }
}

try {
  await perf.start()
  await runDemo()
} finally {
  // Closes the cache (and its Redis connections), the memory manager and the monitor, even after
  // an error: no timer or socket is left, so the process ends by itself.
  const { clean, problems } = await perf.stop()
  console.log(`stopped: ${clean ? 'clean' : JSON.stringify(problems)}`)
  if (!clean) process.exitCode = 1
}

async function runDemo() {
  // 'memory' without REDIS_URL; 'connected' on Redis ('fallback' while it is unreachable).
  const cacheState = await perf.cache!.ready()
  console.log(`cache: ${cacheState === 'memory' ? 'memory' : `redis (${cacheState})`}`)
  const reviews = Array.from(
    { length: 40 },
    (_, i) => `Review ${i + 1}: the ${['blender', 'kettle', 'toaster', 'mixer'][i % 4]} works well`,
  )
  // What the model was asked since `mark()`, and how long it took.
  let mark = { ...model.usage, at: performance.now() }
  const since = () => {
    const spent = {
      requests: model.usage.requests - mark.requests,
      prompts: model.usage.prompts - mark.prompts,
      ms: (performance.now() - mark.at).toFixed(1),
    }
    mark = { ...model.usage, at: performance.now() }
    return spent
  }

  await Promise.all(Array.from({ length: 25 }, () => summarize(reviews[0]!)))
  let spent = since()
  console.log(
    `stampede: 25 concurrent calls for one prompt -> ${spent.requests} model request(s) in ${spent.ms} ms`,
  )

  await summarize(reviews[0]!)
  spent = since()
  console.log(`repeat call: ${spent.requests} model requests, answered in ${spent.ms} ms`)

  let result = await summarizeAll(reviews)
  spent = since()
  console.log(
    `batch: ${reviews.length} prompts -> the model answered ${spent.prompts} in ${spent.requests} requests, ${result.fromCache} from the cache, ${spent.ms} ms`,
  )

  result = await summarizeAll(reviews)
  spent = since()
  console.log(
    `batch again: ${reviews.length} prompts -> ${spent.requests} model requests, ${result.fromCache} from the cache, ${spent.ms} ms`,
  )

  // A single call for a prompt the batch answered finds the batch's entry.
  await summarize(reviews[7]!)
  console.log(`single call after the batch: ${since().requests} model requests`)

  const stats = perf.cache!.stats()
  console.log(
    `cache: ${stats.hits} hits, ${stats.coalesced} coalesced, ${stats.misses} misses; model: ${model.usage.requests} requests for ${model.usage.prompts} prompts`,
  )
}
