/**
 * Base class of every error the API server throws. Match on `code`, which is stable; messages may
 * improve. (Its clients name an error response differently: the CLI's `ApiResponseError`, the
 * dashboard's `RequestError`.)
 */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/** The auth settings cannot work: none at all in production, two at once, a short secret, a bad key. */
export class AuthConfigError extends ApiError {
  override name = 'AuthConfigError'
  /** The setting at fault, e.g. `server.auth.jwtSecret`. */
  readonly setting: string

  constructor(setting: string, rule: string, options?: ErrorOptions) {
    super('E_API_AUTH_CONFIG', `Invalid ${setting}: ${rule}`, options)
    this.setting = setting
  }
}

/** The status codes the API answers with on purpose. */
export type HttpErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 503

/**
 * An error that is the caller's (or a dependency's) to fix, rendered as
 * `{ error: { code, message, details? } }` with its status by the app's error handler. Throw it
 * from any route.
 *
 * @example
 * throw new HttpError(404, 'E_API_NOT_FOUND', 'no dashboard named "sales"')
 */
export class HttpError extends ApiError {
  override name = 'HttpError'
  readonly status: HttpErrorStatus
  /** Machine-readable context: the fields at fault, the valid values… */
  readonly details: unknown
  /** Extra response headers, e.g. `WWW-Authenticate` or `Retry-After`. */
  readonly headers: Record<string, string>

  constructor(
    status: HttpErrorStatus,
    code: string,
    message: string,
    details?: unknown,
    headers: Record<string, string> = {},
  ) {
    super(code, message)
    this.status = status
    this.details = details
    this.headers = headers
  }
}

/** Every error class by name. */
export const errors = { ApiError, AuthConfigError, HttpError } as const
