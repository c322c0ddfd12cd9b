import { answersAsApi, findApiBase, plainHttpMismatch } from './base-url-probe.js'
import {
  ApiResponseError,
  ConnectionError,
  TokenRejectedError,
  UnknownProfileError,
  WrongBaseUrlError,
} from './errors.js'

/** How to reach a bi-perf API. */
export interface ApiClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string
  /** Bearer JWT; without one, protected routes answer 401. */
  token?: string | undefined
  /**
   * Time allowed for each request, answer body included.
   * @default 10_000
   */
  timeoutMs?: number
}

/** A small JSON client for the `/performance/*` endpoints. */
export interface ApiClient {
  readonly url: string
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T>
  post<T>(path: string, body?: unknown): Promise<T>
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown }
}

const TOKEN_FIX =
  'mint one with `bi-performance token --role admin` and pass --token or BI_PERF_TOKEN'

/** The innermost error: undici wraps the socket error in TypeError('fetch failed'). */
function rootCause(error: unknown): unknown {
  let current: unknown = error
  while (current instanceof Error && current.cause instanceof Error) current = current.cause
  return current
}

function codeOf(error: unknown): string | undefined {
  const code = (rootCause(error) as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

function causeOf(error: unknown): string {
  const current = rootCause(error)
  if (current instanceof Error) {
    const code = (current as Error & { code?: unknown }).code
    return typeof code === 'string' && !current.message.includes(code)
      ? `${code} ${current.message}`
      : current.message
  }
  return String(current)
}

async function readErrorBody(response: Response): Promise<ErrorBody['error']> {
  try {
    const body = (await response.json()) as ErrorBody
    return typeof body === 'object' && body !== null ? body.error : undefined
  } catch {
    return undefined
  }
}

/**
 * A client for one API base URL. Every call has a timeout (`AbortSignal.timeout`); failures
 * become one-line CLI errors naming the URL and the fix.
 *
 * @example
 * const api = createApiClient({ url: 'http://127.0.0.1:8080', token })
 * const status = await api.get<OptimizerStatus>('/performance/status')
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.url.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 10_000

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = base + path
    const headers: Record<string, string> = { accept: 'application/json' }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ConnectionError(
          url,
          `no answer within ${timeoutMs} ms`,
          'check that the server is healthy, or raise --timeout',
          { cause: error },
        )
      }
      const mismatch = plainHttpMismatch(base, codeOf(error))
      if (mismatch) throw new ConnectionError(url, mismatch.reason, mismatch.fix, { cause: error })
      throw new ConnectionError(
        url,
        causeOf(error),
        'check --url / BI_PERF_URL and that the server is running',
        { cause: error },
      )
    }
    if (!response.ok) throw await toError(response, `${method} ${path}`)
    try {
      return (await response.json()) as T
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ConnectionError(
          url,
          `the answer did not complete within ${timeoutMs} ms`,
          'raise --timeout',
          { cause: error },
        )
      }
      throw new ApiResponseError(
        response.status,
        null,
        `${method} ${url} answered ${response.status} with a body that is not JSON — is --url a bi-perf API?`,
        // Nothing was checked: the URL is wrong, like a 404 (exit 2).
        2,
      )
    }
  }

  async function toError(response: Response, route: string): Promise<Error> {
    const error = await readErrorBody(response)
    const code = typeof error?.code === 'string' ? error.code : null
    const message = typeof error?.message === 'string' ? error.message : response.statusText
    if (response.status === 401) {
      const reason = options.token ? message : 'missing bearer token'
      return new TokenRejectedError(401, reason, TOKEN_FIX)
    }
    if (response.status === 403) {
      return new TokenRejectedError(
        403,
        message,
        'mint one with `bi-performance token --role admin`',
      )
    }
    if (code === 'E_CORE_UNKNOWN_PROFILE') {
      const details = error?.details as { validProfiles?: unknown; profile?: unknown } | undefined
      const valid = Array.isArray(details?.validProfiles) ? details.validProfiles.map(String) : []
      const asked = /"([^"]*)"/.exec(message)?.[1] ?? '?'
      return new UnknownProfileError(asked, valid)
    }
    if (response.status === 429) {
      const retry = response.headers.get('retry-after')
      return new ApiResponseError(
        429,
        code,
        `rate limited by the API${retry ? `; retry in ${retry} s` : ''}`,
      )
    }
    if (response.status === 404 && (code === null || code === 'E_API_NOT_FOUND')) {
      return notFound(route)
    }
    return new ApiResponseError(
      response.status,
      code,
      `${message} (${response.status}${code ? ` ${code}` : ''})`,
    )
  }

  /**
   * A 404 without a resource-specific code: either `--url` is not the base URL (the usual case:
   * `http://host:8080/api`), or this server predates the route.
   */
  async function notFound(route: string): Promise<Error> {
    if (!route.startsWith('GET /performance/status') && (await answersAsApi(base, timeoutMs))) {
      return new ApiResponseError(
        404,
        'E_API_NOT_FOUND',
        `the API at ${base} has no ${route.split('?')[0]} — is it an older bi-perf version?`,
        2,
      )
    }
    // Name the path as the server saw it: `GET /api/performance/status`.
    const [method, path = ''] = route.split('?')[0]!.split(' ')
    const asked = `${method} ${new URL(base + path).pathname}`
    return new WrongBaseUrlError(base, asked, await findApiBase(base, timeoutMs))
  }

  return {
    url: base,
    get(path, query) {
      const search = new URLSearchParams()
      for (const [key, value] of Object.entries(query ?? {})) {
        if (value !== undefined) search.set(key, value)
      }
      const suffix = search.size > 0 ? `?${search.toString()}` : ''
      return request('GET', path + suffix)
    },
    post(path, body) {
      return request('POST', path, body ?? {})
    },
  }
}
