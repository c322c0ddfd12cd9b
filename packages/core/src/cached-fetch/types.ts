import type { Cache, Duration } from '@bi-perf/cache'

/** Options of `createCachedFetch()`. Every field is optional. */
export interface CachedFetchOptions {
  /**
   * Where responses are stored, used as given: pass a namespace (`cache.namespace('http')`) to
   * keep them apart from your other keys. A cache with Redis shares them between processes, and
   * is then treated as a shared cache (RFC 9111): responses marked `private`, and responses to
   * requests with `Authorization` unless they are `public`, `s-maxage` or `must-revalidate`, are
   * not stored, and `s-maxage` applies. A cache without Redis is private: it stores `private`
   * responses and ignores `s-maxage`.
   * @default defaultCache(), under its `http:` namespace
   */
  cache?: Cache
  /**
   * Heuristic freshness of a response that states none (no `max-age`, `Expires`, nor
   * `s-maxage` in a shared cache): 10 % of the time since its `Last-Modified`, at most this;
   * this when it has no `Last-Modified`. Only for statuses cacheable by default (200, 203, 204,
   * 300, 301, 308, 404, 405, 410, 414, 501) or `public` responses.
   * @default '5m'
   */
  ttl?: Duration
  /** Limits per host (`host:port`). */
  perHost?: {
    /**
     * Keep-alive connections per origin; further requests queue for a free one.
     * @default 10
     */
    connections?: number
    /**
     * Requests per second sent to one host. Requests beyond it wait (in order, bounded by
     * `timeout` and the caller's signal); none is dropped. Cache hits are not counted. The
     * spacing is of requests as they are sent: a request takes its turn once it has a
     * connection.
     * @default undefined (unlimited)
     */
    rps?: number
    /**
     * Requests that may start at once after a quiet period, when `rps` is set.
     * @default 1 (requests evenly spaced 1000 / rps ms apart)
     */
    burst?: number
  }
  /**
   * Deadline of one upstream exchange: the wait for the rate limit, the connection, the headers
   * and the whole body. Past it, the call rejects with `FetchFailedError`.
   * @default '10s'
   */
  timeout?: Duration
  /**
   * Headers sent with every request (a request's own headers win).
   * @default {}
   */
  headers?: Record<string, string>
  /**
   * Largest response body accepted, in bytes; a larger one rejects with `FetchFailedError`.
   * @default 10 MiB
   */
  maxBodyBytes?: number
  /**
   * The `User-Agent` header, unless `headers` or a request sets its own.
   * @default 'bi-perf'
   */
  userAgent?: string
}

/** Per-request options of `CachedFetch.get()`. */
export interface CachedFetchInit {
  /**
   * Request headers, added to the client's. `Cache-Control: no-store` skips the cache;
   * `no-cache` (or `max-age=0`) forces revalidation, `max-age=N` revalidates an entry older than
   * N seconds, `min-fresh=N` one fresh for less than N more seconds, `max-stale[=N]` accepts a
   * stale one; `If-None-Match`, `If-Modified-Since`, `If-Match` and `Range` pass through
   * uncached.
   */
  headers?: Record<string, string>
  /** Gives up this call (it rejects with the signal's reason); a shared request goes on for others. */
  signal?: AbortSignal
}

/** A response, fresh from the origin or from the cache. Statuses other than 2xx are returned too. */
export interface CachedResponse {
  status: number
  /**
   * Lowercase names; repeated headers joined with `, `. Cached responses carry no `Set-Cookie`,
   * and an `Age` (seconds since the origin sent them, time in flight included).
   */
  headers: Record<string, string>
  /** The body; shared with other callers of the same request, so treat it as read-only. */
  body: Buffer
  /** `status` is 200-299. */
  readonly ok: boolean
  /** The body decoded with the `charset` of `Content-Type` (UTF-8 by default). */
  text(): string
  /** The body parsed as JSON; throws `SyntaxError` if it is not. */
  json<T = unknown>(): T
  /** The body came from the cache (possibly after a 304 revalidation). */
  fromCache: boolean
  /** The origin confirmed the stored response with a 304 during this call. */
  revalidated: boolean
  /** The URL requested (redirects are not followed). */
  url: string
}

/** Plain counters of a `CachedFetch`, since creation. */
export interface CachedFetchStats {
  /** Calls of `get()`. */
  requests: number
  /**
   * Calls answered from the cache without waiting for the origin: fresh entries, and stale ones
   * served under `stale-while-revalidate` while one background request revalidates them.
   */
  hits: number
  /** Calls that found no usable entry and downloaded the response. */
  misses: number
  /**
   * Requests sent to revalidate a stale entry: conditional ones, and the background ones of
   * `stale-while-revalidate`.
   */
  revalidations: number
  /** Revalidations the origin answered with 304, so the stored body was kept. */
  notModified: number
  /** Calls that joined a request already running for the same URL and headers. */
  coalesced: number
  /** Responses written to the cache (new or refreshed). */
  stored: number
  /**
   * Responses not written: not storable (status, `no-store`, `private` in a shared cache,
   * `Vary: *`…) or a cache failure.
   */
  notStored: number
  /** Requests sent to origins, revalidations included. */
  upstreamRequests: number
  /** Calls that rejected with `FetchFailedError`. */
  errors: number
  /** Total time requests spent waiting for the per-host rate limit, in ms. */
  rateLimitedWaitMs: number
}

/** An HTTP GET client with a shared response cache, per-host limits and single-flight requests. */
export interface CachedFetch {
  /**
   * GETs a URL (`http:` or `https:`), from the cache when fresh. Rejects with
   * `FetchFailedError` on network errors, timeouts and bodies over `maxBodyBytes`; any HTTP
   * status is a response.
   */
  get(url: string | URL, init?: CachedFetchInit): Promise<CachedResponse>
  /** Plain counters, see {@link CachedFetchStats}. */
  stats(): CachedFetchStats
  /**
   * Closes the connections once running requests finish; later calls reject. Idempotent. The
   * cache stays open (it may be shared).
   */
  close(): Promise<void>
}
