import { compileGlob } from '../../src/glob.js'

/**
 * The reference model of the chaos test: last completed write wins. For each key, the values a
 * `get` may return once everything is quiet. A value is a unique string, so it names its write.
 * `undefined` is allowed where the cache may legitimately have lost the value: the write told
 * us it did not (or may not have) reached Redis, or Redis came back with no data. It is never
 * allowed after a write that reached Redis with nothing failing since.
 */
export type Value = string | undefined

export const KEYS = ['a:0', 'a:1', 'b:0', 'b:1', 'c:0', 'c:1'] as const
export type Key = (typeof KEYS)[number]
export const TAGS = ['even', 'odd'] as const
export const PATTERNS = ['a:*', 'b:?', 'c:[01]', '*', '?:1'] as const

/** Keys `a:*` and `b:*` carry a tag by their number; `c:*` none. */
export function tagsOf(key: Key): string[] | undefined {
  if (key.startsWith('c:')) return undefined
  return [key.endsWith('0') ? 'even' : 'odd']
}

export class ReferenceModel {
  readonly #allowed = new Map<Key, Set<Value>>()

  /** What a `get` of the key may return now. */
  allowed(key: Key): ReadonlySet<Value> {
    return this.#allowed.get(key) ?? new Set([undefined])
  }

  /** Keys ever touched, the ones checked. */
  touched(): Key[] {
    return [...this.#allowed.keys()]
  }

  /** Completed writes; several at once raced, and any of them may win. */
  wrote(key: Key, values: string[], reachedRedis: boolean) {
    const allowed = new Set<Value>(values)
    if (!reachedRedis) allowed.add(undefined)
    this.#allowed.set(key, allowed)
  }

  removed(keys: readonly Key[]) {
    for (const key of keys) this.#allowed.set(key, new Set([undefined]))
  }

  cleared(pattern: string) {
    this.removed(KEYS.filter(compileGlob(pattern)))
  }

  untagged(tag: string) {
    this.removed(KEYS.filter((key) => tagsOf(key)?.includes(tag)))
  }

  /** Redis came back empty: any value may be gone. */
  dataLost() {
    for (const allowed of this.#allowed.values()) allowed.add(undefined)
  }
}
