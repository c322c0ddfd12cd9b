/**
 * The HTTP caching rules of `createCachedFetch()` (RFC 9111) on `http-cache-semantics`, plus what
 * the library leaves to its user or gets wrong: the request time an `Age` counts from, a bounded
 * heuristic freshness, request views that keep credentials out of the stored policy, and the
 * `must-revalidate` fix described in {@link HttpCachePolicy.evaluate}.
 */
import { createHash } from 'node:crypto'
import CachePolicy from 'http-cache-semantics'

/** Parsed `Cache-Control` directives: name (lowercase) to argument, or `true` without one. */
export type CacheDirectives = ReadonlyMap<string, string | true>

/** The serialized policy kept with a stored response (the library's `toObject()` format). */
export type StoredPolicy = CachePolicy.CachePolicyObject

/**
 * How long an entry that has a validator (`ETag`, `Last-Modified`) is kept after it goes stale,
 * so a later request can revalidate it with a cheap 304 instead of downloading it again.
 */
export const REVALIDATION_RETENTION_MS = 24 * 60 * 60 * 1000

/** Retention above this is cut to it (one year), so a bogus `max-age` cannot pin an entry. */
const MAX_RETENTION_MS = 365 * 24 * 60 * 60 * 1000

/**
 * The part of the time since `Last-Modified` taken as heuristic freshness: the "typical" 10 % of
 * RFC 9111 section 4.2.2.
 */
const LAST_MODIFIED_FRACTION = 0.1

/** Statuses "heuristically cacheable" by RFC 9110 section 15.1. */
const HEURISTIC_STATUSES: ReadonlySet<number> = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
])

/** Headers that describe one connection or one transfer, never stored or merged from a 304. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/** Headers a 304 must not change in the stored response (they describe the stored body). */
const BODY_HEADERS = new Set(['content-length', 'content-encoding', 'content-range'])

/** Request headers the policy reads as they are: directives, not secrets. */
const PLAIN_REQUEST_HEADERS = ['cache-control', 'pragma'] as const

/** How the cache is used, fixed per client. */
export interface PolicySettings {
  /**
   * The store is shared between users (a Redis-backed cache): responses marked `private`, and
   * responses to requests with `Authorization` unless the response allows it, are not stored, and
   * `s-maxage` / `proxy-revalidate` apply. Otherwise the cache is private: it stores `private`
   * responses and ignores `s-maxage`.
   */
  shared: boolean
  /**
   * Heuristic freshness in ms of a response that states none: 10 % of its age since
   * `Last-Modified` up to this bound, or this bound when it has no `Last-Modified`.
   */
  heuristicMs: number
}

/** The request as the policy sees it, see {@link policyRequest}. */
export type PolicyRequest = CachePolicy.HttpRequest & { headers: Record<string, string> }

/** A response as received, for {@link HttpCacheRules.fromResponse}. */
export interface ReceivedResponse {
  status: number
  /** Storable headers (see {@link storableHeaders}). */
  headers: Readonly<Record<string, string>>
}

/** Parses a `Cache-Control` value; later duplicates of a directive do not override the first. */
export function parseCacheControl(value: string | undefined): CacheDirectives {
  const directives = new Map<string, string | true>()
  if (!value) return directives
  // Split on commas outside quoted strings (`private="set-cookie, x-id"` is one directive).
  for (const part of value.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const separator = part.indexOf('=')
    const name = (separator === -1 ? part : part.slice(0, separator)).trim().toLowerCase()
    if (!name || directives.has(name)) continue
    const raw = separator === -1 ? undefined : part.slice(separator + 1).trim()
    directives.set(name, raw === undefined ? true : raw.replace(/^"(.*)"$/s, '$1'))
  }
  return directives
}

/** Lowercase header names listed in `Vary`; `['*']` when it varies on everything. */
export function parseVary(value: string | undefined): string[] {
  if (!value) return []
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
  return names.includes('*') ? ['*'] : [...new Set(names)].sort()
}

/** Whether the response can be revalidated with a conditional request. */
export function hasValidator(headers: Readonly<Record<string, string | undefined>>): boolean {
  return headers.etag !== undefined || headers['last-modified'] !== undefined
}

/**
 * Response headers as stored: lowercase names, repeated headers joined with `, `, without
 * hop-by-hop headers and without `Set-Cookie` (a cookie is for the caller that got it, not for
 * everyone served from the cache).
 */
export function storableHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const stored: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      stored[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  // Connection may name more headers that belong to this connection only.
  for (const name of (stored.connection ?? '').split(',')) delete stored[name.trim().toLowerCase()]
  for (const name of HOP_BY_HOP) delete stored[name]
  delete stored['set-cookie']
  return stored
}

/**
 * The stored headers updated from a 304 (RFC 9111 section 3.2): the 304's headers are added or
 * replace the stored ones, except those describing the stored body.
 */
export function mergeNotModified(
  stored: Readonly<Record<string, string>>,
  notModified: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged = { ...stored }
  // Age described the stored response on arrival; the age now counts from the revalidation,
  // plus the 304's own Age if it has one (RFC 9111 section 4.2.3).
  delete merged.age
  for (const [name, value] of Object.entries(notModified)) {
    if (!BODY_HEADERS.has(name)) merged[name] = value
  }
  return merged
}

/**
 * The request as the policy reads and stores it: the URL's path and host, the request's
 * `Cache-Control` and `Pragma`, and a digest of `Authorization` and of each header in `vary`.
 * Digests compare like the values (what `Vary` matching needs) but keep credentials out of the
 * policy stored in the cache. The URL and the other headers already select the entry (its key).
 */
export function policyRequest(
  url: URL,
  headers: Readonly<Record<string, string>>,
  vary: readonly string[],
): PolicyRequest {
  const view: Record<string, string> = { host: url.host }
  for (const name of PLAIN_REQUEST_HEADERS) {
    const value = headers[name]
    if (value !== undefined) view[name] = value
  }
  for (const name of ['authorization', ...vary]) {
    const value = headers[name]
    if (value !== undefined && !(name in view)) view[name] = digest(value)
  }
  return { url: `${url.pathname}${url.search}`, method: 'GET', headers: view }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

/**
 * The `http-cache-semantics` policy with a bounded heuristic and an adjustable clock (its type is
 * the library's: the subclass only overrides).
 */
type BoundedPolicy = CachePolicy
type BoundedPolicyClass = {
  new (
    request: CachePolicy.HttpRequest,
    response: CachePolicy.HttpResponse,
    options: CachePolicy.Options,
  ): BoundedPolicy
  fromObject(stored: StoredPolicy): BoundedPolicy
}

/** The library's parsed `Cache-Control` of a response: directive (as written) to argument. */
type ParsedDirectives = StoredPolicy['rescc']

/**
 * While a policy is built, the time its age counts from: the library stamps a policy with
 * `now()` as its response time, and RFC 9111 section 4.2.3 counts the age of a response from
 * when its request was sent (`age_value + now - request_time`), response delay included.
 * Set and cleared synchronously around one constructor call.
 */
let buildingAt: number | undefined

/**
 * The caching rules of one client: builds and restores {@link HttpCachePolicy} objects with its
 * settings.
 */
export class HttpCacheRules {
  readonly settings: Readonly<PolicySettings>
  readonly #Policy: BoundedPolicyClass

  constructor(settings: PolicySettings) {
    this.settings = Object.freeze({ ...settings })
    this.#Policy = boundedPolicyClass(settings)
  }

  /**
   * The policy of a response from the origin. `requestTime` (epoch ms) is when its request was
   * sent; a response without `Date` gets one from the time it arrived (RFC 9110 section 6.6.1).
   */
  fromResponse(
    request: PolicyRequest,
    response: ReceivedResponse,
    requestTime: number,
  ): HttpCachePolicy {
    const headers = { date: new Date().toUTCString(), ...response.headers }
    buildingAt = requestTime
    try {
      const policy = new this.#Policy(
        request,
        { status: response.status, headers },
        {
          shared: this.settings.shared,
          cacheHeuristic: LAST_MODIFIED_FRACTION,
        },
      )
      return new HttpCachePolicy(policy, this)
    } finally {
      buildingAt = undefined
    }
  }

  /** A stored policy, or `undefined` when it is not one this version can read. */
  fromObject(stored: unknown): HttpCachePolicy | undefined {
    try {
      const policy = this.#Policy.fromObject(stored as StoredPolicy)
      return new HttpCachePolicy(policy, this)
    } catch {
      return undefined
    }
  }
}

/**
 * A subclass of the library's policy, one per client settings, whose `maxAge()` applies the
 * heuristic of {@link PolicySettings.heuristicMs}. Everything else in the library that depends on
 * freshness (`stale()`, `timeToLive()`, `evaluateRequest()`, stale-while-revalidate) calls
 * `maxAge()`, so they all see it.
 */
function boundedPolicyClass(settings: PolicySettings): BoundedPolicyClass {
  const boundSeconds = settings.heuristicMs / 1000
  const Bounded = class extends CachePolicy {
    /**
     * Whether freshness is heuristic, and whether there is a Last-Modified to base it on;
     * worked out on first use (a restored policy often needs only `maxAge()`'s explicit answer).
     */
    #heuristic: { applies: boolean; lastModified: boolean } | undefined

    // The library's clock (in its code and documented, not in its typings).
    now(): number {
      return buildingAt ?? Date.now()
    }

    override maxAge(): number {
      const lifetime = super.maxAge()
      const heuristic = (this.#heuristic ??= heuristicOf(this.toObject(), this.storable()))
      if (!heuristic.applies) return lifetime
      // With a Last-Modified the library's heuristic (its `cacheHeuristic` fraction of the time
      // since then) applies, within the bound; without one the library gives 0, and the bound
      // (the client's `ttl`) is the freshness.
      return heuristic.lastModified ? Math.min(lifetime, boundSeconds) : boundSeconds
    }
  }
  // `fromObject()` builds with `new this()`, so it returns this subclass.
  return Bounded
}

/**
 * Whether a response's freshness is heuristic (RFC 9111 section 4.2.2): it states no explicit
 * expiration, its status is heuristically cacheable or it is `public`, and none of the library's
 * reasons to give it no freshness at all holds (`no-cache`, `Vary: *`, `immutable` with its own
 * minimum, and in a shared cache `proxy-revalidate` or `Set-Cookie` without `public`). Reads the
 * directives as the library parsed them, so both agree on what the response says.
 */
function heuristicOf(
  policy: StoredPolicy,
  storable: boolean,
): { applies: boolean; lastModified: boolean } {
  const lastModified = !Number.isNaN(Date.parse(headerOf(policy, 'last-modified') ?? ''))
  return { applies: storable && usesHeuristic(policy), lastModified }
}

function usesHeuristic(policy: StoredPolicy): boolean {
  const directives = policy.rescc
  const shared = policy.sh
  const explicit =
    'max-age' in directives ||
    (shared && 's-maxage' in directives) ||
    headerOf(policy, 'expires') !== undefined
  if (explicit) return false
  if (!HEURISTIC_STATUSES.has(policy.st) && !('public' in directives)) return false
  if ('no-cache' in directives || 'immutable' in directives) return false
  if (parseVary(headerOf(policy, 'vary'))[0] === '*') return false
  if (!shared) return true
  if ('proxy-revalidate' in directives) return false
  return headerOf(policy, 'set-cookie') === undefined || 'public' in directives
}

function headerOf(policy: StoredPolicy, name: string): string | undefined {
  const value = policy.resh[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * The age (seconds) past which the library may add a `113` warning to a heuristically fresh
 * response (RFC 7234 section 5.5.4); {@link servedFresh} leaves such hits to the full policy.
 */
const HEURISTIC_WARNING_AGE = 24 * 60 * 60

/**
 * What serving a stored response takes when the request has no directives of its own
 * (`Cache-Control`, `Pragma`), worked out when it is stored: then freshness depends only on the
 * clock, so a fresh hit is served without restoring the policy (see {@link servedFresh}).
 */
export interface FreshHit {
  /** The response's status. */
  status: number
  /** The time its age counts from (epoch ms): when its request was sent. */
  responseTime: number
  /** Its `Age` on arrival (seconds), read as the library reads it. */
  ageValue: number
  /** Its freshness lifetime (seconds): the policy's `maxAge()`, which does not change with time. */
  maxAge: number
  /** The headers it is served with (the origin's `Date`), `Age` to be filled in. */
  headers: Record<string, string>
}

/**
 * The headers to serve a stored response with to a request without directives, when it is fresh
 * now; `undefined` when the full policy must decide (stale, revalidation, or old enough for the
 * library's heuristic warning). Does the library's arithmetic (`age()`, `stale()`,
 * `responseHeaders()`), so both give the same answer.
 */
export function servedFresh(hit: FreshHit, now: number): Record<string, string> | undefined {
  const age = hit.ageValue + (now - hit.responseTime) / 1000
  if (hit.maxAge <= age || age > HEURISTIC_WARNING_AGE) return undefined
  return { ...hit.headers, age: `${Math.round(age)}` }
}

/** A {@link FreshHit} read back from a cache, or `undefined` when it is not one. */
export function readFreshHit(value: unknown): FreshHit | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const hit = value as Partial<FreshHit>
  const valid =
    typeof hit.status === 'number' &&
    Number.isFinite(hit.responseTime) &&
    Number.isFinite(hit.ageValue) &&
    typeof hit.maxAge === 'number' &&
    typeof hit.headers === 'object' &&
    hit.headers !== null
  return valid ? (hit as FreshHit) : undefined
}

/** The library's reading of an `Age` value (its `toNumberOrZero()`). */
function ageValue(value: string | undefined): number {
  const age = Number.parseInt(value as string, 10)
  return Number.isFinite(age) ? age : 0
}

/** What the cache may do with a stored response, and the headers to serve it with if anything. */
export type Evaluation =
  | { decision: 'fresh' | 'stale-while-revalidate'; headers: Record<string, string> }
  | { decision: 'revalidate' }

/** One stored response's policy: what the cache may do with it, and what to store with it. */
export class HttpCachePolicy {
  readonly #policy: BoundedPolicy
  readonly #rules: HttpCacheRules
  /** Stored headers: built from {@link storableHeaders}, so strings only. */
  readonly #headers: Readonly<Record<string, string>>
  readonly #directives: ParsedDirectives
  /** The response's status. */
  readonly status: number

  constructor(policy: BoundedPolicy, rules: HttpCacheRules) {
    const stored = policy.toObject()
    this.#policy = policy
    this.#rules = rules
    this.#headers = stored.resh as Record<string, string>
    this.#directives = stored.rescc
    this.status = stored.st
  }

  /** The request headers the response varies on (lowercase, sorted); `['*']` for `Vary: *`. */
  get vary(): string[] {
    return parseVary(this.#headers.vary)
  }

  /**
   * Whether the response goes into the cache: the library's `storable()` (method, status,
   * `no-store`, `private` and `Authorization` in a shared cache…), not `Vary: *` (it never
   * matches), and usable later: fresh for a while, or revalidatable.
   */
  worthStoring(): boolean {
    if (!this.#policy.storable() || this.vary[0] === '*') return false
    return this.#policy.timeToLive() > 0 || hasValidator(this.#headers)
  }

  /**
   * How long the cache keeps the entry: its freshness plus any `stale-while-revalidate` window,
   * and at least a day when it has a validator, so it can be revalidated with a 304.
   */
  retentionMs(): number {
    const usable = this.#policy.timeToLive()
    const retention = hasValidator(this.#headers)
      ? Math.max(usable, REVALIDATION_RETENTION_MS)
      : usable
    return Math.min(retention, MAX_RETENTION_MS)
  }

  /**
   * What to do with the stored response for this request: the library's `evaluateRequest()`
   * (freshness, `Age`, the request's `no-cache`, `max-age`, `min-fresh` and `max-stale`, and
   * `stale-while-revalidate`), with two corrections. A response that must not be served stale
   * (`must-revalidate`, `no-cache`, `proxy-revalidate` in a shared cache) is never served stale,
   * not even under `stale-while-revalidate` or the request's `max-stale`. And a fresh
   * `must-revalidate` response is served while fresh (RFC 9111 section 5.2.2.2), where the
   * library's 4.2+ revalidates it on every use (kornelski/http-cache-semantics#54).
   */
  evaluate(request: PolicyRequest): Evaluation {
    const policy = this.#policy
    if (this.#forbidsStale() && policy.stale()) return { decision: 'revalidate' }
    if ('must-revalidate' in this.#directives) {
      if (!this.#acceptsFresh(request)) return { decision: 'revalidate' }
      return { decision: 'fresh', headers: this.responseHeaders() }
    }
    const { response, revalidation } = policy.evaluateRequest(request)
    if (!response) return { decision: 'revalidate' }
    return {
      decision: revalidation ? 'stale-while-revalidate' : 'fresh',
      headers: this.#served(response.headers),
    }
  }

  /** The conditional headers (`If-None-Match`, `If-Modified-Since`) that revalidate it. */
  conditionalHeaders(request: PolicyRequest): Record<string, string> {
    const headers = stringHeaders(this.#policy.revalidationHeaders(request))
    const conditional: Record<string, string> = {}
    for (const name of ['if-none-match', 'if-modified-since']) {
      if (headers[name] !== undefined) conditional[name] = headers[name]
    }
    return conditional
  }

  /**
   * The policy after a 304 answered a revalidation sent at `requestTime`: the stored headers
   * updated from the 304 as RFC 9111 section 3.2 says (the library's `revalidatedPolicy()` only
   * updates headers the stored response already has), or `undefined` when the 304's validators
   * do not match the stored response's, which then must not be updated (section 4.3.4).
   */
  revalidated(
    request: PolicyRequest,
    notModified: ReceivedResponse,
    requestTime: number,
  ): HttpCachePolicy | undefined {
    const { matches } = this.#policy.revalidatedPolicy(request, notModified)
    if (!matches) return undefined
    const headers = mergeNotModified(this.#headers, notModified.headers)
    return this.#rules.fromResponse(request, { status: this.status, headers }, requestTime)
  }

  /** The headers to serve the stored response with now: its current `Age`, the origin's `Date`. */
  responseHeaders(): Record<string, string> {
    return this.#served(this.#policy.responseHeaders())
  }

  /**
   * What serving it to a request without directives takes, stored with it; `undefined` when its
   * served headers carry a `Warning` (the library rewrites those as the response ages), so the
   * full policy decides every time.
   */
  freshHit(): FreshHit | undefined {
    const headers = this.responseHeaders()
    if (headers.warning !== undefined) return undefined
    return {
      status: this.status,
      responseTime: this.#policy.toObject().t,
      ageValue: ageValue(this.#headers.age),
      maxAge: this.#policy.maxAge(),
      headers,
    }
  }

  /** The policy as stored with the response. */
  toObject(): StoredPolicy {
    return this.#policy.toObject()
  }

  /**
   * The library's served headers (current `Age`) with the origin's `Date` kept, which the library
   * replaces by the current time (a current `Date` with a current `Age` would make a downstream
   * cache count the age twice).
   */
  #served(headers: CachePolicy.Headers): Record<string, string> {
    const served = stringHeaders(headers)
    if (this.#headers.date !== undefined) served.date = this.#headers.date
    return served
  }

  #forbidsStale(): boolean {
    const directives = this.#directives
    return (
      'must-revalidate' in directives ||
      'no-cache' in directives ||
      (this.#rules.settings.shared && 'proxy-revalidate' in directives)
    )
  }

  /**
   * Whether the request directives let a fresh response be used (RFC 9111 section 5.2.1): no
   * `no-cache` (or `Pragma: no-cache` without `Cache-Control`), an age within its `max-age`, and
   * at least its `min-fresh` left.
   */
  #acceptsFresh(request: PolicyRequest): boolean {
    const policy = this.#policy
    if (policy.stale()) return false
    const cacheControl = request.headers['cache-control']
    const directives = parseCacheControl(cacheControl)
    if (directives.has('no-cache')) return false
    if (cacheControl === undefined && /no-cache/i.test(request.headers.pragma ?? '')) return false
    const maxAge = directives.get('max-age')
    if (maxAge !== undefined && policy.age() > seconds(maxAge)) return false
    const minFresh = directives.get('min-fresh')
    return minFresh === undefined || policy.maxAge() - policy.age() >= seconds(minFresh)
  }
}

/** A delta-seconds value; anything invalid counts as 0, the strictest reading. */
function seconds(value: string | true): number {
  if (value === true || !/^\d+$/.test(value)) return 0
  return Number(value)
}

function stringHeaders(headers: CachePolicy.Headers): Record<string, string> {
  const strings: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) strings[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return strings
}
