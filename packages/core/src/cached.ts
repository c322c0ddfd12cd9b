import type { Cache, Duration } from '@bi-perf/cache'
import { defaultCacheNamespace } from './default-cache.js'
import { InvalidArgumentError, InvalidOptionError } from './errors.js'
import { read } from './option-reader.js'
import { stableKey } from './stable-hash.js'

/** Options of {@link cached} and {@link Cached}. */
export interface CachedFunctionOptions<A extends unknown[] = unknown[]> {
  /**
   * Where results live. Pass a namespace (`cache.namespace('reports')`) to give them their own
   * TTL defaults, or a Redis-backed cache to share them between processes.
   * @default defaultCache(), under its `fn:` namespace
   */
  cache?: Cache
  /**
   * A string is the key prefix: entries are `<prefix>:<hash of the arguments>`, and `clear()`
   * removes every key under it. A function returns the whole key from the arguments; `clear()`
   * is then unavailable (use `tags` and `cache.invalidateTags()`).
   *
   * The key comes from the arguments only, never from `this`: two instances of a class share
   * entries. Names must be unique per cache; in bundled or minified code, set a fixed prefix.
   * @default the function's name (for `@Cached`, `ClassName.methodName`); required for anonymous functions
   */
  key?: string | ((...args: A) => string)
  /**
   * How long a result stays fresh.
   * @default the cache's ttl (1 h for the default cache)
   */
  ttl?: Duration
  /**
   * How long after `ttl` a stale result may still be served while one refresh runs, or while the
   * function fails. `0` turns it off.
   * @default the cache's grace (0 for the default cache)
   */
  grace?: Duration
  /**
   * Tags for `cache.invalidateTags()`: a list, or a function of the arguments.
   * @default none
   */
  tags?: readonly string[] | ((...args: A) => readonly string[])
}

/** Controls of the entries of a cached function, see {@link cachedControls}. */
export interface CachedControls<A extends unknown[]> {
  /** Removes the entry of these arguments; whether one was removed. */
  invalidate(...args: A): Promise<boolean>
  /** Removes every entry of this function (needs a string `key` or a named function). */
  clear(): Promise<number>
  /** The cache key these arguments map to. */
  key(...args: A): string
}

/** What {@link cached} returns: the function, cached, plus controls of its entries. */
export type CachedFunction<A extends unknown[], R> = ((...args: A) => Promise<R>) &
  CachedControls<A>

/** Controls by cached function, for {@link cachedControls}. */
const registry = new WeakMap<object, CachedControls<never>>()

/**
 * Wraps a function so its results are cached by arguments. Concurrent calls with the same
 * arguments share one call, in this process and (with a Redis-backed cache) through the shared
 * tier; `this` is passed through. A result of `undefined` is returned but not cached (return
 * `null` to cache "nothing"); a call that throws is not cached either.
 *
 * Arguments are hashed with {@link stableKey}: plain objects match regardless of key order, and
 * values that cannot be hashed (functions, class instances without `toJSON()`) reject with
 * `InvalidArgumentError`; pass `key` as a function for those.
 *
 * @example
 * const salesByRegion = cached(
 *   async (region: string, year: number) => db.query(SALES_SQL, [region, year]),
 *   { key: 'salesByRegion', ttl: '10m', tags: (region) => [`sales:${region}`] },
 * )
 * await salesByRegion('eu', 2026) // runs the query
 * await salesByRegion('eu', 2026) // from the cache
 * await salesByRegion.invalidate('eu', 2026)
 */
export function cached<A extends unknown[], R>(
  fn: (...args: A) => Promise<R> | R,
  options: CachedFunctionOptions<A> = {},
): CachedFunction<A, R> {
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError('fn', fn, 'must be the function to cache')
  }
  if (options.key === undefined && fn.name === '') {
    throw new InvalidOptionError(
      'options.key',
      undefined,
      'is required for an anonymous function: pass a key prefix string or a key function',
    )
  }
  const prefix = typeof options.key === 'string' ? options.key : fn.name
  return cachedCall(fn, options, () => prefix)
}

/**
 * The controls of a function made by {@link cached} or a method decorated with {@link Cached}:
 * TypeScript decorators cannot change a method's type, so this gives typed access to them.
 * Throws `InvalidArgumentError` for any other function.
 *
 * @example
 * await cachedControls(reports.load).invalidate('r1')
 */
export function cachedControls<A extends unknown[]>(
  fn: (...args: A) => Promise<unknown>,
): CachedControls<A> {
  const controls = typeof fn === 'function' ? registry.get(fn) : undefined
  if (!controls) {
    throw new InvalidArgumentError('fn', fn, 'must be made by cached() or decorated with @Cached')
  }
  return controls
}

/**
 * Caches a class method's results by arguments, like {@link cached}; a TypeScript 5 (standard)
 * decorator, not `experimentalDecorators`. The method must return a promise. Keys come from the
 * arguments only, so all instances share entries; to keep instances apart, pass a `key` function
 * that includes what distinguishes them. Reach `invalidate`, `clear` and `key` with
 * {@link cachedControls}`(instance.method)`; without a fixed `key`, the prefix
 * (`ClassName.method`) is known once an instance exists (at once for static methods).
 *
 * @example
 * class Reports {
 *   @Cached({ ttl: '5m', tags: (id: string) => [`report:${id}`] })
 *   async load(id: string): Promise<Report> {
 *     return this.db.loadReport(id)
 *   }
 * }
 */
export function Cached<A extends unknown[] = unknown[]>(options: CachedFunctionOptions<A> = {}) {
  return function decorate<This, Args extends A, R>(
    method: (this: This, ...args: Args) => Promise<R>,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<R>>,
  ): CachedFunction<Args, R> & ((this: This, ...args: Args) => Promise<R>) {
    if (context.kind !== 'method') {
      throw new InvalidArgumentError('@Cached', context.kind, 'applies to class methods only')
    }
    const name = String(context.name)
    let prefix = typeof options.key === 'string' ? options.key : undefined
    const replacement = cachedCall(method, options, () => {
      if (prefix === undefined) {
        throw new InvalidArgumentError(
          'options.key',
          undefined,
          `the cache key prefix of ${name}() is known once an instance of its class exists; create one first or pass a fixed key`,
        )
      }
      return prefix
    })
    // Keys are named after the class that declares the method, found from the first instance
    // (or the class itself for static methods), so a subclass shares its parent's entries.
    context.addInitializer(function (this: This) {
      prefix ??= `${declaringClassName(this, name, replacement, context.static)}.${name}`
    })
    return replacement
  }
}

/** The wrapper behind {@link cached} and {@link Cached}; `prefix` is read at call time. */
function cachedCall<A extends unknown[], R>(
  fn: (...args: A) => Promise<R> | R,
  options: CachedFunctionOptions<A>,
  prefix: () => string,
): CachedFunction<A, R> {
  const { key, tags } = options
  if (key !== undefined && typeof key !== 'function' && (typeof key !== 'string' || !key)) {
    throw new InvalidOptionError(
      'options.key',
      key,
      'must be a non-empty key prefix string or a function returning the key',
    )
  }
  if (tags !== undefined && typeof tags !== 'function' && !Array.isArray(tags)) {
    throw new InvalidOptionError(
      'options.tags',
      tags,
      'must be an array of tags or a function returning one',
    )
  }
  const ttl = options.ttl === undefined ? undefined : read.duration('options.ttl', options.ttl)
  const grace =
    options.grace === undefined
      ? undefined
      : read.duration('options.grace', options.grace, { allowZero: true })
  // Read at call time, so resetDefaultCache() reaches functions wrapped earlier.
  const cacheOf = () => options.cache ?? defaultCacheNamespace('fn')
  const keyOf = (self: unknown, args: A): string =>
    typeof key === 'function' ? key.apply(self, args) : `${prefix()}:${stableKey(args)}`

  const wrapper = function (this: unknown, ...args: A): Promise<R> {
    try {
      const entryTags = typeof tags === 'function' ? tags.apply(this, args) : tags
      return cacheOf().getOrSet<R>(keyOf(this, args), () => fn.apply(this, args), {
        ttl,
        grace,
        tags: entryTags,
      })
    } catch (error) {
      return rejection(error)
    }
  }
  const controls = {
    invalidate(...args: A): Promise<boolean> {
      try {
        return cacheOf().delete(keyOf(undefined, args))
      } catch (error) {
        return rejection(error)
      }
    },
    clear(): Promise<number> {
      try {
        if (typeof key === 'function') {
          throw new InvalidArgumentError(
            'options.key',
            '(function)',
            'clear() needs a key prefix string; with a key function, tag the entries and use cache.invalidateTags()',
          )
        }
        return cacheOf().clear(`${escapeGlob(prefix())}:*`)
      } catch (error) {
        return rejection(error)
      }
    },
    key: (...args: A): string => keyOf(undefined, args),
  }
  registry.set(wrapper, controls)
  return Object.assign(wrapper, controls)
}

/** A validation error thrown while starting a call, delivered as a rejection like any other. */
function rejection(error: unknown): Promise<never> {
  return Promise.reject(error instanceof Error ? error : new Error(String(error)))
}

/** Escapes Redis glob metacharacters so a prefix matches only itself. */
function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&')
}

function declaringClassName(
  self: unknown,
  name: string,
  method: unknown,
  isStatic: boolean,
): string {
  if (isStatic) return (self as { name?: string }).name || 'anonymous'
  for (
    let proto = Object.getPrototypeOf(self) as object | null;
    proto;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    if (Object.hasOwn(proto, name) && (proto as Record<string, unknown>)[name] === method) {
      return (proto as { constructor?: { name?: string } }).constructor?.name || 'anonymous'
    }
  }
  // Private methods live on no prototype: the instance's own class names them.
  return (self as { constructor?: { name?: string } }).constructor?.name || 'anonymous'
}
