import type { Cache, Duration } from '@bi-perf/cache'
import { readDuration } from '@bi-perf/internal'
import { Agent } from 'undici'
import { SharedFlights } from './cached-fetch-flights.js'
import { HostRateLimiter } from './cached-fetch-rate-limiter.js'
import { CachedFetchResponse, type ResponseData } from './cached-fetch-response.js'
import type {
  CachedFetch,
  CachedFetchInit,
  CachedFetchOptions,
  CachedFetchStats,
  CachedResponse,
} from './cached-fetch-types.js'
import { fetchUpstream, withoutQuery, type UpstreamResponse } from './cached-fetch-upstream.js'
import { defaultCacheNamespace } from './default-cache.js'
import { FetchFailedError, InvalidArgumentError } from './errors.js'
import {
  conditionalHeaders,
  mergeNotModified,
  parseCacheControl,
  planStorage,
  type CacheDirectives,
  type StoragePlan,
} from './http-cache-policy.js'
import { stableKey } from './stable-hash.js'

/** Defaults of {@link CachedFetchOptions}, in one place. */
const DEFAULTS = {
  ttl: '5m',
  timeout: '10s',
  connections: 10,
  burst: 1,
  maxBodyBytes: 10 * 1024 * 1024,
  userAgent: 'bi-perf',
} as const

/**
 * Request headers left out of the cache key: they do not select a representation, and tracing
 * headers change on every call. A response's `Vary` still brings any of them back in.
 */
const UNKEYED_HEADERS = new Set([
  'user-agent',
  'cache-control',
  'pragma',
  'traceparent',
  'tracestate',
  'baggage',
  'x-request-id',
  'x-correlation-id',
])

/** Request headers that make a call bypass the cache: the caller manages validation or ranges. */
const PASS_THROUGH_HEADERS = ['if-none-match', 'if-modified-since', 'if-match', 'range'] as const

/** What the cache holds for a URL: a response, or the list of headers its variants vary on. */
type HttpCacheRecord =
  | {
      kind: 'response'
      status: number
      headers: Record<string, string>
      body: Buffer
      url: string
      /** Epoch ms until which the response is served without asking the origin. */
      freshUntil: number
    }
  | { kind: 'vary'; vary: string[] }

type StoredResponse = Extract<HttpCacheRecord, { kind: 'response' }>

interface ResolvedOptions {
  cache: Cache | undefined
  ttlMs: number
  timeoutMs: number
  connections: number
  rps: number | undefined
  burst: number
  maxBodyBytes: number
  headers: Record<string, string>
}

/**
 * Creates an HTTP GET client for dashboards, AI pipelines and scrapers: responses are cached by
 * the HTTP caching rules (`max-age`, `no-store`, `no-cache`, `Vary`, revalidation with `ETag` /
 * `Last-Modified`), concurrent requests for the same URL share one upstream request, and each
 * host gets bounded keep-alive connections and an optional request rate.
 *
 * Entries are keyed by the URL and the request headers sent (credentials included, so callers
 * with different tokens never share responses), except `User-Agent`, `Cache-Control` and tracing
 * headers; a response's `Vary` adds the headers it names. Redirects are returned, not followed.
 *
 * @example
 * const http = createCachedFetch({ ttl: '10m', perHost: { connections: 4, rps: 5 } })
 * const response = await http.get('https://api.example.com/v1/rates?base=EUR')
 * if (response.ok) console.log(response.json<{ rates: Record<string, number> }>(), response.fromCache)
 * await http.close()
 */
export function createCachedFetch(options: CachedFetchOptions = {}): CachedFetch {
  return new CachedFetchClient(resolveOptions(options))
}

class CachedFetchClient implements CachedFetch {
  readonly #options: ResolvedOptions
  readonly #agent: Agent
  readonly #limiter: HostRateLimiter | undefined
  readonly #flights = new SharedFlights<ResponseData>()
  readonly #stats: CachedFetchStats = {
    requests: 0,
    hits: 0,
    misses: 0,
    revalidations: 0,
    notModified: 0,
    coalesced: 0,
    stored: 0,
    notStored: 0,
    upstreamRequests: 0,
    errors: 0,
    rateLimitedWaitMs: 0,
  }
  #closed: Promise<void> | undefined

  constructor(options: ResolvedOptions) {
    this.#options = options
    this.#agent = new Agent({
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    })
    this.#limiter = options.rps ? new HostRateLimiter(options.rps, options.burst) : undefined
  }

  async get(input: string | URL, init: CachedFetchInit = {}): Promise<CachedResponse> {
    this.#stats.requests++
    const url = parseUrl(input)
    if (this.#closed) throw new FetchFailedError(withoutQuery(url), 'the client is closed')
    const signal = init.signal
    signal?.throwIfAborted()
    const headers = { ...this.#options.headers, ...lowercaseHeaders(init.headers) }
    const directives = parseCacheControl(headers['cache-control'])
    try {
      const data = await this.#flights.run(
        flightKey(url, headers),
        signal,
        (flightSignal) => this.#resolve(url, headers, directives, flightSignal),
        () => this.#stats.coalesced++,
      )
      return new CachedFetchResponse(data)
    } catch (error) {
      if (error instanceof FetchFailedError) this.#stats.errors++
      throw error
    }
  }

  stats(): CachedFetchStats {
    return { ...this.#stats }
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#limiter?.close()
      await this.#agent.close()
    })()
    return this.#closed
  }

  /** One request's way through the cache and, when needed, to the origin. */
  async #resolve(
    url: URL,
    headers: Record<string, string>,
    directives: CacheDirectives,
    abandoned: AbortSignal,
  ): Promise<ResponseData> {
    const upstream = (sent: Record<string, string>) => this.#upstream(url, sent, abandoned)

    if (directives.has('no-store') || PASS_THROUGH_HEADERS.some((name) => name in headers)) {
      this.#stats.misses++
      this.#stats.notStored++
      return fresh(url, await upstream(headers))
    }

    const baseKey = `${url.host}:${stableKey([url.href, keyedHeaders(headers)])}`
    const { stored, key: storedKey } = await this.#lookup(baseKey, headers)
    const forceRevalidation = directives.has('no-cache') || directives.get('max-age') === '0'
    if (stored && stored.freshUntil > Date.now() && !forceRevalidation) {
      this.#stats.hits++
      return fromStore(stored, false)
    }

    const conditional = stored && conditionalHeaders(stored.headers)
    if (conditional) this.#stats.revalidations++
    else this.#stats.misses++
    const response = await upstream({ ...headers, ...conditional })

    if (response.status === 304 && stored && conditional) {
      this.#stats.notModified++
      const refreshed = { ...stored, headers: mergeNotModified(stored.headers, response.headers) }
      await this.#store(baseKey, headers, directives, refreshed, storedKey)
      return fromStore(refreshed, true)
    }
    const record: StoredResponse = {
      kind: 'response',
      status: response.status,
      headers: response.headers,
      body: response.body,
      url: url.href,
      freshUntil: 0,
    }
    await this.#store(baseKey, headers, directives, record)
    return fresh(url, response)
  }

  /** Sends one request, after the host's rate limit lets it through, within the timeout. */
  async #upstream(
    url: URL,
    headers: Record<string, string>,
    abandoned: AbortSignal,
  ): Promise<UpstreamResponse> {
    const deadline = AbortSignal.timeout(this.#options.timeoutMs)
    const signal = AbortSignal.any([abandoned, deadline])
    if (this.#limiter) {
      try {
        this.#stats.rateLimitedWaitMs += await this.#limiter.acquire(url.host, signal)
      } catch (error) {
        if (deadline.aborted) {
          throw new FetchFailedError(
            withoutQuery(url),
            `timed out after ${this.#options.timeoutMs} ms waiting for the rate limit of ${url.host}`,
            { cause: error },
          )
        }
        if (signal.aborted) throw signal.reason
        throw new FetchFailedError(withoutQuery(url), 'the client is closed', { cause: error })
      }
    }
    this.#stats.upstreamRequests++
    return fetchUpstream(url, headers, {
      dispatcher: this.#agent,
      signal,
      deadline,
      timeoutMs: this.#options.timeoutMs,
      maxBodyBytes: this.#options.maxBodyBytes,
    })
  }

  /**
   * The stored response for these request headers and the key it is under, following a `Vary`
   * record to its variant.
   */
  async #lookup(
    baseKey: string,
    headers: Record<string, string>,
  ): Promise<{ stored?: StoredResponse; key?: string }> {
    const cache = this.#cache()
    try {
      const record = await cache.get<HttpCacheRecord>(baseKey)
      if (record?.kind === 'response') return { stored: record, key: baseKey }
      if (record?.kind !== 'vary') return {}
      const key = variantKey(baseKey, record.vary, headers)
      const variant = await cache.get<HttpCacheRecord>(key)
      return variant?.kind === 'response' ? { stored: variant, key } : {}
    } catch {
      // A cache that fails (closed, misconfigured) must not fail the fetch: treat it as a miss.
      return {}
    }
  }

  /**
   * Stores a response as the rules allow: fresh from the origin, or refreshed by a 304 (then
   * `refreshedKey` is where it was, dropped if the new headers forbid storing it).
   */
  async #store(
    baseKey: string,
    headers: Record<string, string>,
    directives: CacheDirectives,
    record: StoredResponse,
    refreshedKey?: string,
  ): Promise<void> {
    const plan: StoragePlan = planStorage({
      status: record.status,
      headers: record.headers,
      request: directives,
      now: Date.now(),
      defaultTtlMs: this.#options.ttlMs,
    })
    const cache = this.#cache()
    try {
      if (!plan.store) {
        this.#stats.notStored++
        if (refreshedKey !== undefined) await cache.delete(refreshedKey)
        return
      }
      record.freshUntil = plan.freshUntil
      const ttl = plan.retentionMs
      if (plan.vary.length === 0) {
        await cache.set(baseKey, record, { ttl })
      } else {
        await cache.set(baseKey, { kind: 'vary', vary: plan.vary } satisfies HttpCacheRecord, {
          ttl,
        })
        await cache.set(variantKey(baseKey, plan.vary, headers), record, { ttl })
      }
      this.#stats.stored++
    } catch {
      this.#stats.notStored++
    }
  }

  #cache(): Cache {
    return this.#options.cache ?? defaultCacheNamespace('http')
  }
}

/** The key of one variant: the base key and the values of the headers the response varies on. */
function variantKey(baseKey: string, vary: readonly string[], headers: Record<string, string>) {
  return `${baseKey}:${stableKey(vary.map((name) => headers[name] ?? null))}`
}

/** Requests that may share one upstream exchange: same URL and exactly the same headers. */
function flightKey(url: URL, headers: Record<string, string>): string {
  const entries = Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `${url.href} ${JSON.stringify(entries)}`
}

function keyedHeaders(headers: Record<string, string>): Record<string, string> {
  const keyed: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!UNKEYED_HEADERS.has(name)) keyed[name] = value
  }
  return keyed
}

function fresh(url: URL, response: UpstreamResponse): ResponseData {
  const headers =
    response.setCookie === undefined
      ? response.headers
      : { ...response.headers, 'set-cookie': response.setCookie }
  return {
    status: response.status,
    headers,
    body: response.body,
    url: url.href,
    fromCache: false,
    revalidated: false,
  }
}

function fromStore(stored: StoredResponse, revalidated: boolean): ResponseData {
  return {
    status: stored.status,
    headers: stored.headers,
    body: stored.body,
    url: stored.url,
    fromCache: true,
    revalidated,
  }
}

function parseUrl(input: string | URL): URL {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    // Only the origin may be shown: the rest can carry secrets.
    throw new InvalidArgumentError('url', '(redacted)', 'must be an absolute http: or https: URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('url', url.protocol, 'must be an http: or https: URL')
  }
  url.hash = ''
  return url
}

function lowercaseHeaders(headers: Record<string, string> | undefined, field = 'init.headers') {
  const lowered: Record<string, string> = {}
  if (headers === undefined) return lowered
  if (headers === null || typeof headers !== 'object') {
    throw new InvalidArgumentError(field, headers, 'must be an object of header names to strings')
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`${field}.${name}`, value, 'must be a string')
    }
    lowered[name.toLowerCase()] = value
  }
  return lowered
}

function resolveOptions(options: CachedFetchOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', options, 'must be an object')
  }
  const perHost = options.perHost ?? {}
  const connections = perHost.connections ?? DEFAULTS.connections
  const burst = perHost.burst ?? DEFAULTS.burst
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes
  positiveInteger('options.perHost.connections', connections)
  positiveInteger('options.perHost.burst', burst)
  positiveInteger('options.maxBodyBytes', maxBodyBytes)
  if (perHost.rps !== undefined && !(Number.isFinite(perHost.rps) && perHost.rps > 0)) {
    throw new InvalidArgumentError(
      'options.perHost.rps',
      perHost.rps,
      'must be a positive number of requests per second',
    )
  }
  const userAgent = options.userAgent ?? DEFAULTS.userAgent
  if (typeof userAgent !== 'string' || userAgent.length === 0) {
    throw new InvalidArgumentError('options.userAgent', userAgent, 'must be a non-empty string')
  }
  return {
    cache: options.cache,
    ttlMs: duration('options.ttl', options.ttl ?? DEFAULTS.ttl),
    timeoutMs: duration('options.timeout', options.timeout ?? DEFAULTS.timeout),
    connections,
    rps: perHost.rps,
    burst,
    maxBodyBytes,
    headers: {
      'user-agent': userAgent,
      ...lowercaseHeaders(options.headers, 'options.headers'),
    },
  }
}

function positiveInteger(field: string, value: unknown) {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new InvalidArgumentError(field, value, 'must be a positive integer')
  }
}

function duration(field: string, value: Duration): number {
  const reading = readDuration(value)
  if ('rule' in reading) throw new InvalidArgumentError(field, value, reading.rule)
  return reading.ms
}
