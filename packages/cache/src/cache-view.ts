import type { CacheEngine, WritePolicy } from './cache-engine.js'
import { parseDuration } from './duration.js'
import { InvalidKeyError, InvalidOptionError } from './errors.js'
import { escapeGlob } from './glob.js'
import type { NamespaceOverrides } from './options.js'
import type {
  Cache,
  CacheEntryInput,
  CacheReadiness,
  CacheReconfiguration,
  CacheSettings,
  CacheStats,
  GetOrSetOptions,
  Loader,
  SetOptions,
} from './types.js'

/**
 * The public face of a cache or of one of its namespaces: validates arguments, applies the
 * namespace's key prefix and TTL defaults, and hands over to the shared engine.
 */
export class CacheView implements Cache {
  readonly #engine: CacheEngine
  readonly #keyPrefix: string
  readonly #overrides: NamespaceOverrides | undefined

  constructor(engine: CacheEngine, path: string) {
    this.#engine = engine
    this.#keyPrefix = path ? `${path}:` : ''
    this.#overrides = engine.options.namespaces.get(path)
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    // The hottest call: validated without allocating a closure.
    let internalKey: string
    try {
      internalKey = this.#key(key)
    } catch (error) {
      return rejection(error)
    }
    return this.#engine.get<T>(internalKey)
  }

  set<T>(key: string, value: T, options?: SetOptions): Promise<void> {
    return attempt(() => this.#engine.set(this.#key(key), value, this.#policy(options)))
  }

  getOrSet<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions): Promise<T> {
    return attempt(() => {
      if (typeof loader !== 'function') {
        throw new InvalidOptionError('loader', loader, 'must be a function returning the value')
      }
      return this.#engine.getOrSet(this.#key(key), loader, this.#policy(options))
    })
  }

  mget<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    return attempt(() => this.#engine.getMany<T>(keys.map((key) => this.#key(key))))
  }

  mset(entries: readonly CacheEntryInput[]): Promise<void> {
    return attempt(() =>
      this.#engine.setMany(
        entries.map((entry) => ({
          key: this.#key(entry.key),
          value: entry.value,
          policy: this.#policy(entry),
        })),
      ),
    )
  }

  delete(key: string): Promise<boolean> {
    return attempt(() => this.#engine.delete(this.#key(key)))
  }

  clear(pattern?: string): Promise<number> {
    return attempt(() => {
      if (pattern !== undefined && (typeof pattern !== 'string' || pattern.length === 0)) {
        throw new InvalidOptionError(
          'pattern',
          pattern,
          'must be a non-empty glob such as "dashboard:*"',
        )
      }
      return this.#engine.clear(escapeGlob(this.#keyPrefix) + (pattern ?? '*'))
    })
  }

  invalidateTags(tags: readonly string[]): Promise<number> {
    return attempt(() => this.#engine.invalidateTags(validateTags(tags)))
  }

  namespace(name: string): Cache {
    if (typeof name !== 'string' || name.length === 0 || name.includes(':')) {
      throw new InvalidOptionError('namespace', name, 'must be a non-empty string without ":"')
    }
    return new CacheView(this.#engine, this.#keyPrefix + name)
  }

  stats(): CacheStats {
    return this.#engine.stats()
  }

  ready(): Promise<CacheReadiness> {
    return this.#engine.ready()
  }

  configure(changes: CacheReconfiguration): CacheSettings {
    return this.#engine.configure(changes)
  }

  shrink(keep: number): number {
    return this.#engine.shrink(keep)
  }

  settings(): CacheSettings {
    return this.#engine.settings()
  }

  close(): Promise<void> {
    return this.#engine.close()
  }

  #key(key: string): string {
    if (typeof key !== 'string') throw new InvalidKeyError(key, 'must be a string')
    if (key.length === 0) throw new InvalidKeyError(key, 'must not be empty')
    const max = this.#engine.options.maxKeyLength
    if (key.length > max) {
      throw new InvalidKeyError(key, `must be at most ${max} characters, got ${key.length}`)
    }
    return this.#keyPrefix + key
  }

  #policy(options: GetOrSetOptions | undefined): WritePolicy {
    // Cache-wide defaults are read on every write: configure() may have changed them.
    const defaults = this.#engine.options.defaults
    return {
      ttl:
        options?.ttl === undefined
          ? (this.#overrides?.ttl ?? defaults.ttl)
          : parseDuration('ttl', options.ttl),
      grace:
        options?.grace === undefined
          ? (this.#overrides?.grace ?? defaults.grace)
          : parseDuration('grace', options.grace, { allowZero: true }),
      tags: options?.tags === undefined ? undefined : validateTags(options.tags),
    }
  }
}

/** Runs a call so that a validation error arrives as a rejection, like every other failure. */
function attempt<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run()
  } catch (error) {
    return rejection(error)
  }
}

function rejection(error: unknown): Promise<never> {
  return Promise.reject(error instanceof Error ? error : new Error(String(error)))
}

function validateTags(tags: unknown): readonly string[] {
  if (!Array.isArray(tags)) {
    throw new InvalidOptionError('tags', tags, 'must be an array of strings')
  }
  const valid: readonly unknown[] = tags
  for (const tag of valid) {
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > 256) {
      throw new InvalidOptionError('tags', tag, 'every tag must be a string of 1 to 256 characters')
    }
  }
  return valid as readonly string[]
}
