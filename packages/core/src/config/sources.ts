/** Dotted form of a setting's path, as shown in issues: `cache.l1.maxBytes`. */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.')
}

/**
 * Where each value of a merged configuration came from (`bi-perf.yaml:12:5`, `env PORT`,
 * `code`), so an issue can name the place to fix. Keys are tracked apart from values because an
 * unknown key is best shown at the key, a bad value at the value.
 */
export class SourceMap {
  readonly #values = new Map<string, string>()
  readonly #keys = new Map<string, string>()

  /** Records where the value at `path` was written. */
  setValue(path: readonly PropertyKey[], source: string): void {
    this.#values.set(dottedPath(path), source)
  }

  /** Records where the key ending `path` was written. */
  setKey(path: readonly PropertyKey[], source: string): void {
    this.#keys.set(dottedPath(path), source)
  }

  /**
   * A later source sets the whole value at `path`: what an earlier one said about it or any
   * setting inside it no longer applies.
   */
  override(path: readonly PropertyKey[], source: string): void {
    const at = dottedPath(path)
    for (const map of [this.#values, this.#keys]) {
      for (const key of map.keys()) if (key === at || key.startsWith(`${at}.`)) map.delete(key)
    }
    this.#values.set(at, source)
  }

  /**
   * Where the value at `path` came from: its own source, else the nearest enclosing value's (a
   * missing field is the fault of the object that lacks it), else `default`. The root's own
   * source only answers for the root: a setting nobody wrote has its default.
   */
  valueSource(path: readonly PropertyKey[]): string {
    for (let length = path.length; length >= Math.min(1, path.length); length--) {
      const source = this.#values.get(dottedPath(path.slice(0, length)))
      if (source !== undefined) return source
    }
    return 'default'
  }

  /** Where the key ending `path` was written, else where its value came from. */
  keySource(path: readonly PropertyKey[]): string {
    return this.#keys.get(dottedPath(path)) ?? this.valueSource(path)
  }
}

/** True for objects written as `{}` or mappings, not arrays, dates or class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}

/**
 * Sets the value at `path` inside `target`, creating objects on the way; a non-object in the
 * way is replaced, since the later source's value wins.
 */
export function setAt(
  target: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): void {
  let current = target
  for (const segment of path.slice(0, -1)) {
    const next = current[segment]
    if (isPlainObject(next)) {
      current = next
    } else {
      const created: Record<string, unknown> = {}
      current[segment] = created
      current = created
    }
  }
  current[path.at(-1)!] = value
}

/** Records `source` for every value inside `value` (code-given configuration). */
export function recordSources(
  sources: SourceMap,
  value: unknown,
  source: string,
  path: readonly PropertyKey[] = [],
): void {
  sources.setValue(path, source)
  if (Array.isArray(value)) {
    value.forEach((item, index) => recordSources(sources, item, source, [...path, index]))
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      recordSources(sources, item, source, [...path, key])
    }
  }
}
