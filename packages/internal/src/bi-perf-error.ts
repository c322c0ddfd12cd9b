/**
 * Base of every bi-perf package's error base (`CacheError`, `TaskError`…). Callers match on
 * `code`, which is stable across versions; messages may improve. Each package bundles its own
 * copy of this class, so match on codes with {@link hasErrorCode}, not `instanceof BiPerfError`,
 * across packages.
 *
 * @example
 * class CacheError extends BiPerfError {
 *   override name = 'CacheError'
 * }
 * throw new CacheError('E_CACHE_CLOSED', 'The cache is closed')
 */
export class BiPerfError extends Error {
  override name = 'BiPerfError'
  /** Stable code, `E_<PKG>_<WHAT>`. */
  readonly code: string
  /**
   * The code this error had before issue 18 (one source of truth), when it changed; matched by
   * {@link hasErrorCode} for one minor version.
   */
  readonly legacyCode: string | undefined

  constructor(
    code: string,
    message: string,
    options?: ErrorOptions & { legacyCode?: string | undefined },
  ) {
    const { legacyCode, ...errorOptions } = options ?? {}
    super(message, errorOptions)
    this.code = code
    this.legacyCode = legacyCode
  }
}

/**
 * Whether `error` carries `code`, as its `code` or as the legacy code it had before a rename, so
 * a caller matching the old code keeps working for one minor version. Duck-typed: it works on
 * errors from any bi-perf package, whichever copy of {@link BiPerfError} built them.
 *
 * @example
 * catch (error) {
 *   if (hasErrorCode(error, 'E_CACHE_INVALID_DURATION')) ...
 * }
 */
export function hasErrorCode(error: unknown, code: string): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code: own, legacyCode } = error as { code?: unknown; legacyCode?: unknown }
  return own === code || legacyCode === code
}
