import { randomUUID } from 'node:crypto'
import { parseDuration } from './duration.js'
import { InvalidArgumentError, UnserializableDataError } from './errors.js'
import type { EnqueueOptions, TaskPriority } from './types.js'

/** BullMQ priorities of the named levels. `critical` uses 0, BullMQ's plain FIFO `wait` list, which BullMQ serves before every prioritized job. */
export const PRIORITY_LEVELS: Readonly<Record<TaskPriority, number>> = {
  critical: 0,
  high: 1,
  normal: 2,
  low: 3,
}

/** A task after validation, ready for a backend. */
export interface PreparedTask {
  name: string
  /** The data as JSON text, checked once here so a worker never meets unserializable data. */
  json: string
  priority: TaskPriority
  delay: number
  /**
   * The caller's `options.id`, or a random UUID: known before anything is sent, so an enqueue
   * whose answer is lost can be retried with it.
   */
  id: string
}

const TASK_NAME = /^[^\s:][^:]{0,199}$/
const ID_RULE =
  'must be 1 to 256 characters, without ":", and not an integer such as "42" or "-1" (BullMQ refuses those)'

/** Checks a task name: 1 to 200 characters, no `:`, not starting with whitespace. */
export function checkTaskName(argument: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !TASK_NAME.test(name)) {
    throw new InvalidArgumentError(
      argument,
      name,
      'must be a string of 1 to 200 characters without ":"',
    )
  }
}

/** Validates one enqueue call and serializes its data. */
export function prepareTask(
  name: string,
  data: unknown,
  options: EnqueueOptions | undefined,
  where = '',
): PreparedTask {
  const at = (argument: string) => (where ? `${where}.${argument}` : argument)
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(at('options'), options, 'must be an object')
  }
  const priority = options?.priority ?? 'normal'
  if (!Object.hasOwn(PRIORITY_LEVELS, priority)) {
    throw new InvalidArgumentError(
      at('options.priority'),
      priority,
      "must be 'critical', 'high', 'normal' or 'low'",
    )
  }
  const delay =
    options?.delay === undefined
      ? 0
      : parseDuration(at('options.delay'), options.delay, { allowZero: true })
  const id = options?.id
  if (
    id !== undefined &&
    (typeof id !== 'string' ||
      id.length === 0 ||
      id.length > 256 ||
      id.includes(':') ||
      // BullMQ's own test: an id that reads back as the same integer ("-1" included).
      String(Number.parseInt(id, 10)) === id)
  ) {
    throw new InvalidArgumentError(at('options.id'), id, ID_RULE)
  }
  const problem = unserializable(data, new Set(), 'data', 0)
  if (problem) throw new UnserializableDataError(name, problem)
  return { name, json: JSON.stringify(data ?? null), priority, delay, id: id ?? randomUUID() }
}

/**
 * Why `value` would not survive a JSON round trip unchanged, or `undefined` when it would. Dates,
 * Maps and class instances are refused rather than silently turned into strings or `{}`.
 */
function unserializable(
  value: unknown,
  seen: Set<object>,
  path: string,
  depth: number,
): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON turns into null`
    case 'undefined':
      return depth === 0 ? undefined : `${path} is undefined; use null or omit the field`
    case 'object': {
      if (value === null) return undefined
      if (depth > 64) return `${path} is nested more than 64 levels deep`
      if (seen.has(value)) return `${path} is a circular reference`
      const proto = Object.getPrototypeOf(value) as unknown
      const isArray = Array.isArray(value)
      if (!isArray && proto !== Object.prototype && proto !== null) {
        const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object'
        return `${path} is a ${kind}; only plain objects, arrays, strings, finite numbers, booleans and null travel as JSON`
      }
      seen.add(value)
      if (isArray) {
        for (let index = 0; index < value.length; index++) {
          const problem = unserializable(value[index], seen, `${path}[${index}]`, depth + 1)
          if (problem) return problem
        }
      } else {
        for (const key of Object.keys(value)) {
          // JSON drops undefined fields, which is what a caller writing `{ a: undefined }` means.
          if ((value as Record<string, unknown>)[key] === undefined) continue
          const problem = unserializable(
            (value as Record<string, unknown>)[key],
            seen,
            `${path}.${key}`,
            depth + 1,
          )
          if (problem) return problem
        }
      }
      seen.delete(value)
      return undefined
    }
    default:
      return `${path} is a ${typeof value}, which JSON cannot carry`
  }
}
