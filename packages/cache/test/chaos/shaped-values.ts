import { isDeepStrictEqual } from 'node:util'
import type { Value } from './model.js'

/**
 * The chaos model speaks in value ids (`v12`); the caches store them as objects of a few shapes,
 * so the shared shape list (promotion, generations, a list lost with an emptied Redis) is under
 * the same faults as the values. A read that decodes to anything but exactly the object written
 * for its id comes back as a `corrupt:` id, which no model allows.
 */
const SHAPES: ((id: string, n: number) => unknown)[] = [
  (id) => ({ id }),
  (id, n) => ({ id, at: new Date(n), big: BigInt(n) * 10n ** 20n }),
  (id, n) => ({
    rows: [
      { id, i: n },
      { id, i: n + 1 },
    ],
    total: 2,
    byKind: new Map([[id, n]]),
  }),
  (id, n) => ({ id, meta: { region: 'EMEA', rank: n }, tags: new Set([id]) }),
]

function numberOf(id: string): number {
  return Number(id.slice(1))
}

/** The object stored for a value id. */
export function shaped(id: string): unknown {
  const n = numberOf(id)
  return SHAPES[n % SHAPES.length]!(id, n)
}

/** The value id a read returned, checked against the object stored for it. */
export function unshaped(stored: unknown): Value {
  if (stored === undefined) return undefined
  const id = idOf(stored)
  if (id !== undefined && isDeepStrictEqual(stored, shaped(id))) return id
  return `corrupt:${describe(stored)}`
}

function idOf(stored: unknown): string | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined
  const record = stored as { id?: unknown; rows?: { id?: unknown }[] }
  const id = record.id ?? record.rows?.[0]?.id
  return typeof id === 'string' && /^v\d+$/.test(id) ? id : undefined
}

function describe(stored: unknown): string {
  try {
    return JSON.stringify(stored, (_, value: unknown) =>
      typeof value === 'bigint' ? `${value}n` : value instanceof Map ? [...value] : value,
    )
  } catch {
    return String(stored)
  }
}
