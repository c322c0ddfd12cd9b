import type { Cache } from '@bi-perf/cache'
import { Agent } from 'undici'
import { ConnectionSlots } from './connection-slots.js'
import { SharedFlights, type FlightSignal } from './flights.js'
import { HostRateLimiter } from './rate-limiter.js'
import { CachedFetchResponse, type ResponseData } from './response.js'
import type {
  CachedFetch,
  CachedFetchInit,
  CachedFetchOptions,
  CachedFetchStats,
  CachedResponse,
} from './types.js'
import { fetchUpstream, withoutQuery, type UpstreamResponse } from './upstream.js'
import { defaultCacheNamespace } from '../default-cache.js'
import { FetchFailedError, InvalidArgumentError, InvalidOptionError } from '../errors.js'
import { read } from '../option-reader.js'
import {
  HttpCacheRules,
  parseCacheControl,
  parseVary,
  policyRequest,
  readFreshHit,
  servedFresh,
  type CacheDirectives,
  type FreshHit,
  type HttpCachePolicy,
} from './http-cache-policy.js'
import { stableKey } from '../stable-hash.js'

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

/**
 * What the cache holds for a URL: a response with its `http-cache-semantics` policy, or the list
 * of headers its variants vary on. Entries of earlier versions (without `policy`) read as misses.
 * `hit` is what a fresh hit needs without the policy (see {@link FreshHit}); without it (a
 * response with a `Warning`), every use goes through the policy. The policy is kept as JSON text,
 * parsed only when it is used: decoding it as an object on every hit cost more than the hit.
 */
type HttpCacheRecord =
  | { kind: 'response'; policy: string; hit?: FreshHit; body: Buffer; url: string }
  | { kind: 'vary'; vary: string[] }

type ResponseRecord = Extract<HttpCacheRecord, { kind: 'response' }>

/** A stored response as the client uses it, and the key it is under. */
interface StoredResponse {
  policy: HttpCachePolicy
  body: Buffer
  url: string
  key: string
}

/** A response from the origin and when its request was sent (epoch ms; `Age` counts from it). */
interface Exchange {
  response: UpstreamResponse
  requestTime: number
}

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
 * the HTTP caching rules of RFC 9111 (through `http-cache-semantics`: `max-age`, `no-store`,
 * `no-cache`, `private` / `s-maxage`, `stale-while-revalidate`, `Vary`, request directives,
 * revalidation with `ETag` / `Last-Modified`), concurrent requests for the same URL share one
 * upstream request, and each host gets bounded keep-alive connections and an optional request
 * rate.
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
  readonly #rules: HttpCacheRules
  readonly #agent: Agent
  readonly #slots: ConnectionSlots
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
    this.#rules = new HttpCacheRules({
      shared: isShared(options.cache),
      heuristicMs: options.ttlMs,
    })
    this.#agent = new Agent({
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    })
    this.#slots = new ConnectionSlots(options.connections)
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
      this.#slots.close()
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
    abandoned: FlightSignal,
  ): Promise<ResponseData> {
    if (directives.has('no-store') || PASS_THROUGH_HEADERS.some((name) => name in headers)) {
      this.#stats.misses++
      this.#stats.notStored++
      return fresh(url, (await this.#upstream(url, headers, abandoned)).response)
    }

    const baseKey = `${url.host}:${stableKey([url.href, keyedHeaders(headers)])}`
    const found = await this.#lookup(baseKey, headers)
    // A request without directives of its own gets a fresh response as the policy would serve it,
    // without restoring the policy (the key already matched its URL and `Vary` headers).
    const hit = found && !hasDirectives(headers) ? readFreshHit(found.record.hit) : undefined
    const served = hit && servedFresh(hit, Date.now())
    if (found && served) {
      this.#stats.hits++
      return fromRecord(found.record, hit.status, served)
    }
    const stored = found && this.#restore(found.record, found.key)
    if (stored) {
      const evaluation = stored.policy.evaluate(policyRequest(url, headers, stored.policy.vary))
      if (evaluation.decision !== 'revalidate') {
        this.#stats.hits++
        if (evaluation.decision === 'stale-while-revalidate') {
          this.#revalidateInBackground(url, headers, baseKey, stored)
        }
        return fromStore(stored, false, evaluation.headers)
      }
    }
    return this.#fetch(url, headers, baseKey, stored, abandoned, false)
  }

  /**
   * Asks the origin: conditionally when a stored response has validators (a 304 refreshes it and
   * its body is served), and stores what comes back as the rules allow.
   */
  async #fetch(
    url: URL,
    headers: Record<string, string>,
    baseKey: string,
    stored: StoredResponse | undefined,
    signal: FlightSignal,
    background: boolean,
  ): Promise<ResponseData> {
    const request = stored && policyRequest(url, headers, stored.policy.vary)
    const conditional = stored && request ? stored.policy.conditionalHeaders(request) : {}
    const revalidating = Object.keys(conditional).length > 0
    if (revalidating || background) this.#stats.revalidations++
    else this.#stats.misses++
    const { response, requestTime } = await this.#upstream(
      url,
      { ...headers, ...conditional },
      signal,
    )

    if (response.status === 304 && stored && request && revalidating) {
      this.#stats.notModified++
      const policy = stored.policy.revalidated(request, response, requestTime)
      // A 304 whose validators do not match the stored response must not update it (RFC 9111
      // section 4.3.4); it still says the caller's copy is current, so the stored body is served.
      if (!policy) return fromStore(stored, true)
      const refreshed = { ...stored, policy }
      await this.#store(baseKey, headers, refreshed, stored.key)
      return fromStore(refreshed, true)
    }
    const policy = this.#rules.fromResponse(
      policyRequest(url, headers, parseVary(response.headers.vary)),
      response,
      requestTime,
    )
    await this.#store(baseKey, headers, { policy, body: response.body, url: url.href })
    return fresh(url, response)
  }

  /**
   * `stale-while-revalidate`: the caller got the stale response; one background request per
   * stored entry revalidates it, shared by every caller served stale meanwhile.
   */
  #revalidateInBackground(
    url: URL,
    headers: Record<string, string>,
    baseKey: string,
    stored: StoredResponse,
  ): void {
    this.#flights
      .run(`revalidate ${stored.key}`, undefined, (signal) =>
        this.#fetch(url, headers, baseKey, stored, signal, true),
      )
      // Nobody waits for it: a failed revalidation leaves the entry as it is, to be revalidated
      // by a later call or to expire.
      .catch(() => undefined)
  }

  /**
   * Sends one request: it waits for a connection of the origin, then for the host's rate limit,
   * so the rate limit spaces requests as they are sent; all within the timeout.
   */
  async #upstream(
    url: URL,
    headers: Record<string, string>,
    abandoned: FlightSignal,
  ): Promise<Exchange> {
    const deadline = AbortSignal.timeout(this.#options.timeoutMs)
    const signal = AbortSignal.any([abandoned(), deadline])
    const wait = { url, deadline, signal }
    const release = await this.#waitFor(wait, 'a connection to', () =>
      this.#slots.acquire(url.origin, signal),
    )
    try {
      // undici readies a connection whose response just ended on its next turn of the event loop
      // (setImmediate): let it, so the request is written the moment it takes its rate-limit turn.
      await new Promise((resolve) => setImmediate(resolve))
      const limiter = this.#limiter
      if (limiter) {
        this.#stats.rateLimitedWaitMs += await this.#waitFor(wait, 'the rate limit of', () =>
          limiter.acquire(url.host, signal),
        )
      }
      this.#stats.upstreamRequests++
      const requestTime = Date.now()
      const response = await fetchUpstream(url, headers, {
        dispatcher: this.#agent,
        signal,
        deadline,
        timeoutMs: this.#options.timeoutMs,
        maxBodyBytes: this.#options.maxBodyBytes,
      })
      return { response, requestTime }
    } finally {
      release()
    }
  }

  /** Waits for a connection or the rate limit, turning a timeout or a close into errors. */
  async #waitFor<T>(
    wait: { url: URL; deadline: AbortSignal; signal: AbortSignal },
    what: string,
    acquire: () => Promise<T>,
  ): Promise<T> {
    try {
      return await acquire()
    } catch (error) {
      const { url, deadline, signal } = wait
      if (deadline.aborted) {
        throw new FetchFailedError(
          withoutQuery(url),
          `timed out after ${this.#options.timeoutMs} ms waiting for ${what} ${url.host}`,
          { cause: error },
        )
      }
      if (signal.aborted) throw signal.reason
      throw new FetchFailedError(withoutQuery(url), 'the client is closed', { cause: error })
    }
  }

  /** The stored response for these request headers, following a `Vary` record to its variant. */
  async #lookup(
    baseKey: string,
    headers: Record<string, string>,
  ): Promise<{ record: ResponseRecord; key: string } | undefined> {
    const cache = this.#cache()
    try {
      const record = await cache.get<HttpCacheRecord>(baseKey)
      if (record?.kind === 'response') return { record, key: baseKey }
      if (record?.kind !== 'vary') return undefined
      const key = variantKey(baseKey, record.vary, headers)
      const variant = await cache.get<HttpCacheRecord>(key)
      return variant?.kind === 'response' ? { record: variant, key } : undefined
    } catch {
      // A cache that fails (closed, misconfigured) must not fail the fetch: treat it as a miss.
      return undefined
    }
  }

  #restore(record: ResponseRecord, key: string): StoredResponse | undefined {
    const policy = this.#rules.fromObject(parsePolicy(record.policy))
    return policy && { policy, body: record.body, url: record.url, key }
  }

  /**
   * Stores a response as the rules allow: fresh from the origin, or refreshed by a 304 (then
   * `refreshedKey` is where it was, dropped if the new headers forbid storing it).
   */
  async #store(
    baseKey: string,
    headers: Record<string, string>,
    entry: Omit<StoredResponse, 'key'>,
    refreshedKey?: string,
  ): Promise<void> {
    const cache = this.#cache()
    try {
      if (!entry.policy.worthStoring()) {
        this.#stats.notStored++
        if (refreshedKey !== undefined) await cache.delete(refreshedKey)
        return
      }
      const ttl = entry.policy.retentionMs()
      const vary = entry.policy.vary
      const record: HttpCacheRecord = {
        kind: 'response',
        policy: JSON.stringify(entry.policy.toObject()),
        hit: entry.policy.freshHit(),
        body: entry.body,
        url: entry.url,
      }
      if (vary.length === 0) {
        await cache.set(baseKey, record, { ttl })
      } else {
        await cache.set(baseKey, { kind: 'vary', vary } satisfies HttpCacheRecord, { ttl })
        await cache.set(variantKey(baseKey, vary, headers), record, { ttl })
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

/**
 * Whether the store is shared between users, so the shared-cache rules of RFC 9111 apply: a
 * cache with Redis is (other instances read its entries); the default cache is in-process.
 */
function isShared(cache: Cache | undefined): boolean {
  if (cache === undefined) return false
  try {
    return cache.stats().l2 !== undefined
  } catch {
    // A cache that cannot say is treated as shared: its rules only ever store less.
    return true
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

/** A stored policy's JSON text as an object; `undefined` when it is not JSON (then a miss). */
function parsePolicy(text: unknown): unknown {
  // Entries stored by the first version of this format kept the policy as an object.
  if (typeof text !== 'string') return text
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Whether the request carries caching directives, which only the full policy reads. */
function hasDirectives(headers: Record<string, string>): boolean {
  return headers['cache-control'] !== undefined || headers.pragma !== undefined
}

/** A stored response served from its record alone (see {@link servedFresh}). */
function fromRecord(
  record: ResponseRecord,
  status: number,
  headers: Record<string, string>,
): ResponseData {
  return {
    status,
    headers,
    body: record.body,
    url: record.url,
    fromCache: true,
    revalidated: false,
  }
}

/** A stored response as served: `headers` are its served headers, current `Age` included. */
function fromStore(
  stored: Omit<StoredResponse, 'key'>,
  revalidated: boolean,
  headers = stored.policy.responseHeaders(),
): ResponseData {
  return {
    status: stored.policy.status,
    headers,
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

/** Header names in lower case; `Invalid` is the error of the call's argument or of an option. */
function lowercaseHeaders(
  headers: Record<string, string> | undefined,
  field = 'init.headers',
  Invalid: typeof InvalidArgumentError = InvalidArgumentError,
) {
  const lowered: Record<string, string> = {}
  if (headers === undefined) return lowered
  if (headers === null || typeof headers !== 'object') {
    throw new Invalid(field, headers, 'must be an object of header names to strings')
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw new Invalid(`${field}.${name}`, value, 'must be a string')
    }
    lowered[name.toLowerCase()] = value
  }
  return lowered
}

function resolveOptions(options: CachedFetchOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', options, 'must be an object')
  }
  const perHost = options.perHost ?? {}
  const connections = read.count(
    'options.perHost.connections',
    perHost.connections ?? DEFAULTS.connections,
  )
  const burst = read.count('options.perHost.burst', perHost.burst ?? DEFAULTS.burst)
  const maxBodyBytes = read.count(
    'options.maxBodyBytes',
    options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
  )
  if (perHost.rps !== undefined && !(Number.isFinite(perHost.rps) && perHost.rps > 0)) {
    throw new InvalidOptionError(
      'options.perHost.rps',
      perHost.rps,
      'must be a positive number of requests per second',
    )
  }
  const userAgent = options.userAgent ?? DEFAULTS.userAgent
  if (typeof userAgent !== 'string' || userAgent.length === 0) {
    throw new InvalidOptionError('options.userAgent', userAgent, 'must be a non-empty string')
  }
  return {
    cache: options.cache,
    ttlMs: read.duration('options.ttl', options.ttl ?? DEFAULTS.ttl),
    timeoutMs: read.duration('options.timeout', options.timeout ?? DEFAULTS.timeout),
    connections,
    rps: perHost.rps,
    burst,
    maxBodyBytes,
    headers: {
      'user-agent': userAgent,
      ...lowercaseHeaders(options.headers, 'options.headers', InvalidOptionError),
    },
  }
}
