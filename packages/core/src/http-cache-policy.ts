/**
 * The HTTP caching rules of `createCachedFetch()` (RFC 9111, as a private client cache), as pure
 * functions of status, headers and the clock.
 */

/** Parsed `Cache-Control` directives: name (lowercase) to argument, or `true` without one. */
export type CacheDirectives = ReadonlyMap<string, string | true>

/** Statuses stored without explicit freshness (RFC 9111 heuristics), and the only ones stored. */
export const STORABLE_STATUSES: ReadonlySet<number> = new Set([200, 203, 301, 404, 410])

/**
 * How long an entry that has a validator (`ETag`, `Last-Modified`) is kept after it goes stale,
 * so a later request can revalidate it with a cheap 304 instead of downloading it again.
 */
export const REVALIDATION_RETENTION_MS = 24 * 60 * 60 * 1000

/** Freshness above this is cut to it (one year), so a bogus `max-age` cannot pin an entry. */
const MAX_FRESHNESS_MS = 365 * 24 * 60 * 60 * 1000

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

/** Whether and for how long a response is stored. */
export type StoragePlan =
  | { store: false; reason: string }
  | {
      store: true
      /** Epoch ms until which the entry is served without asking the origin. */
      freshUntil: number
      /** How long the cache keeps the entry (past freshness when it can be revalidated). */
      retentionMs: number
      /** Request headers the response varies on (lowercase, sorted); empty when none. */
      vary: string[]
    }

/** What {@link planStorage} looks at. */
export interface StorageInput {
  status: number
  /** Response headers, lowercase names. */
  headers: Readonly<Record<string, string>>
  /** The request's `Cache-Control` directives. */
  request: CacheDirectives
  /** Epoch ms the response arrived. */
  now: number
  /** Freshness when the response states none. */
  defaultTtlMs: number
}

/**
 * Decides whether a response is stored and until when it is fresh: never for `no-store` (on
 * either side), `Vary: *` or statuses outside {@link STORABLE_STATUSES}; freshness from
 * `max-age`, else `s-maxage`, else `Expires`, else the default TTL, minus `Age`; `no-cache`
 * makes it stale at once (stored only with a validator, then revalidated on every use).
 */
export function planStorage(input: StorageInput): StoragePlan {
  const { status, headers, request, now } = input
  if (request.has('no-store')) return { store: false, reason: 'request no-store' }
  if (!STORABLE_STATUSES.has(status)) return { store: false, reason: `status ${status}` }
  const directives = parseCacheControl(headers['cache-control'])
  if (directives.has('no-store')) return { store: false, reason: 'response no-store' }
  const vary = parseVary(headers.vary)
  if (vary[0] === '*') return { store: false, reason: 'Vary: *' }
  const freshMs = freshnessMs(directives, headers, now, input.defaultTtlMs)
  const revalidatable = hasValidator(headers)
  if (freshMs <= 0 && !revalidatable) {
    return { store: false, reason: 'stale on arrival without a validator' }
  }
  return {
    store: true,
    freshUntil: now + freshMs,
    retentionMs: revalidatable ? Math.max(freshMs, REVALIDATION_RETENTION_MS) : freshMs,
    vary,
  }
}

/** Remaining freshness of a response arriving now, in ms (0 when stale). */
function freshnessMs(
  directives: CacheDirectives,
  headers: Readonly<Record<string, string>>,
  now: number,
  defaultTtlMs: number,
): number {
  if (directives.has('no-cache')) return 0
  let lifetimeMs: number
  const maxAge = directives.get('max-age') ?? directives.get('s-maxage')
  if (maxAge !== undefined) {
    lifetimeMs = seconds(maxAge) * 1000
  } else if (headers.expires !== undefined) {
    // An invalid Expires (such as "0") means already expired.
    const expires = Date.parse(headers.expires)
    const date = headers.date === undefined ? NaN : Date.parse(headers.date)
    lifetimeMs = Number.isNaN(expires) ? 0 : expires - (Number.isNaN(date) ? now : date)
  } else {
    lifetimeMs = defaultTtlMs
  }
  const ageMs = seconds(headers.age ?? '0') * 1000
  return Math.min(Math.max(0, lifetimeMs - ageMs), MAX_FRESHNESS_MS)
}

/** A delta-seconds value; anything invalid counts as 0 (stale), as RFC 9111 asks. */
function seconds(value: string | true): number {
  if (value === true || !/^\d+$/.test(value)) return 0
  return Number(value)
}

/** Whether the response can be revalidated with a conditional request. */
export function hasValidator(headers: Readonly<Record<string, string>>): boolean {
  return headers.etag !== undefined || headers['last-modified'] !== undefined
}

/** The conditional request headers that revalidate a stored response, if it has validators. */
export function conditionalHeaders(
  headers: Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  if (!hasValidator(headers)) return undefined
  const conditional: Record<string, string> = {}
  if (headers.etag !== undefined) conditional['if-none-match'] = headers.etag
  if (headers['last-modified'] !== undefined) {
    conditional['if-modified-since'] = headers['last-modified']
  }
  return conditional
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
 * The stored headers updated from a 304 (RFC 9111 section 4.3.4): new `Cache-Control`,
 * `Expires`, `Date`, `ETag`… replace the stored ones; headers describing the body stay.
 */
export function mergeNotModified(
  stored: Readonly<Record<string, string>>,
  notModified: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged = { ...stored }
  // Age described the stored response on arrival; only the 304's own Age (if any) applies now.
  delete merged.age
  for (const [name, value] of Object.entries(notModified)) {
    if (!BODY_HEADERS.has(name)) merged[name] = value
  }
  return merged
}
