import { createOptionReader } from '@bi-perf/internal'
import { ApiError } from '../errors.js'

/**
 * Timeouts of the HTTP server, in milliseconds. The same fields, defaults and rule as core's
 * `server.timeouts`, so `listen()` can be handed `config.server.timeouts` as it is.
 */
export interface EdgeTimeouts {
  /**
   * Longest a client may take from a request's first byte to the end of its headers; then 408
   * `E_API_REQUEST_TIMEOUT` and the connection closes (slowloris). At most `request`.
   * @default 10_000
   */
  headers?: number
  /**
   * Longest a client may take to send a whole request, headers and body; then 408 and the
   * connection closes, so a body trickled a byte at a time cannot hold a socket.
   * @default 30_000
   */
  request?: number
  /**
   * How long a keep-alive connection may stay idle after its last response before the server
   * closes it (Node adds one second of grace). Raise it above a load balancer's idle timeout.
   * @default 5_000
   */
  keepAlive?: number
}

/** How the HTTP server protects itself from slow, oversized and idle clients. */
export interface EdgeOptions {
  /** See {@link EdgeTimeouts}. */
  timeouts?: EdgeTimeouts
  /**
   * Most TCP connections held open at once; a connection past it is closed as soon as it is
   * accepted (no response). Bounds the memory and file descriptors idle clients can take.
   * @default 1000
   */
  maxConnections?: number
}

/** {@link EdgeOptions} with every default filled in. */
export interface ResolvedEdgeOptions {
  timeouts: Required<EdgeTimeouts>
  maxConnections: number
}

/** `listen()` was given an edge option that cannot work. */
export class EdgeOptionsError extends ApiError {
  override name = 'EdgeOptionsError'
  /** The option at fault, e.g. `timeouts.headers`. */
  readonly field: string

  constructor(field: string, rule: string) {
    super('E_API_EDGE_OPTIONS', `Invalid ${field}: ${rule}`)
    this.field = field
  }
}

// listen()'s options fail with their own code (E_API_EDGE_OPTIONS), unlike the API's other options
// (../option-reader.ts), so they get their own binding of the shared readers.
const read = createOptionReader({
  option: (field, value, rule) => new EdgeOptionsError(field, `${rule}, got ${String(value)}`),
  duration: (field, value, rule) => new EdgeOptionsError(field, `${rule}, got ${String(value)}`),
})

/** The defaults of {@link EdgeOptions}; a unit test keeps them equal to core's. */
export const EDGE_DEFAULTS: ResolvedEdgeOptions = Object.freeze({
  timeouts: Object.freeze({ headers: 10_000, request: 30_000, keepAlive: 5_000 }),
  maxConnections: 1000,
})

/**
 * Fills in the defaults of {@link EdgeOptions} and checks them once.
 *
 * @throws {EdgeOptionsError} for a value that is not a positive integer, or a `timeouts.headers`
 * above `timeouts.request` (Node would refuse it at `createServer`).
 * @example
 * resolveEdgeOptions({ timeouts: { keepAlive: 65_000 } }).timeouts.headers // 10_000
 */
export function resolveEdgeOptions(options: EdgeOptions = {}): ResolvedEdgeOptions {
  const timeouts = { ...EDGE_DEFAULTS.timeouts, ...definedOnly(options.timeouts ?? {}) }
  for (const key of ['headers', 'request', 'keepAlive'] as const) {
    read.count(`timeouts.${key}`, timeouts[key])
  }
  if (timeouts.headers > timeouts.request) {
    throw new EdgeOptionsError(
      'timeouts.headers',
      `must not exceed timeouts.request (${timeouts.request} ms), got ${timeouts.headers}`,
    )
  }
  const maxConnections = read.count(
    'maxConnections',
    options.maxConnections ?? EDGE_DEFAULTS.maxConnections,
  )
  return { timeouts, maxConnections }
}

// `{ headers: undefined }` (an optional field passed through) must not erase the default.
function definedOnly(timeouts: EdgeTimeouts): EdgeTimeouts {
  return Object.fromEntries(Object.entries(timeouts).filter(([, value]) => value !== undefined))
}
