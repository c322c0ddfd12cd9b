import fc from 'fast-check'
import { KEYS, PATTERNS, TAGS, type Key } from './model.js'

/** One step of a chaos sequence: plain data, so a failing sequence prints readably. */
export type Step =
  | { op: 'set'; at: number; key: Key }
  | { op: 'mset'; at: number; keys: Key[] }
  | { op: 'race'; at: [number, number]; key: Key }
  | { op: 'get'; at: number; key: Key }
  | { op: 'mget'; at: number; keys: Key[] }
  | { op: 'getOrSet'; at: number; key: Key }
  | { op: 'delete'; at: number; key: Key }
  | { op: 'clear'; at: number; pattern: string }
  | { op: 'invalidateTags'; at: number; tag: string }
  | { op: 'reopen'; at: number }
  | { op: 'settle' }
  | { op: 'wait'; ms: number }
  | { op: 'kill' }
  | { op: 'restart'; empty: boolean }
  | { op: 'pause' }
  | { op: 'resume' }
  | { op: 'killSubscribers' }

const INSTANCES = 3
const at = fc.integer({ min: 0, max: INSTANCES - 1 })
const key = fc.constantFrom(...KEYS)
const keys = fc.uniqueArray(key, { minLength: 1, maxLength: 3 })

const operations: fc.Arbitrary<Step>[] = [
  fc.record({ op: fc.constant('set' as const), at, key }),
  fc.record({ op: fc.constant('set' as const), at, key }),
  fc.record({ op: fc.constant('mset' as const), at, keys }),
  fc
    .record({
      op: fc.constant('race' as const),
      first: at,
      offset: fc.integer({ min: 1, max: 2 }),
      key,
    })
    .map(({ first, offset, key }) => ({
      op: 'race' as const,
      at: [first, (first + offset) % INSTANCES] as [number, number],
      key,
    })),
  fc.record({ op: fc.constant('get' as const), at, key }),
  fc.record({ op: fc.constant('mget' as const), at, keys }),
  fc.record({ op: fc.constant('getOrSet' as const), at, key }),
  fc.record({ op: fc.constant('delete' as const), at, key }),
  fc.record({ op: fc.constant('clear' as const), at, pattern: fc.constantFrom(...PATTERNS) }),
  fc.record({ op: fc.constant('invalidateTags' as const), at, tag: fc.constantFrom(...TAGS) }),
  fc.record({ op: fc.constant('reopen' as const), at }),
  fc.constant({ op: 'settle' as const }),
  // Time passes: breakers half-open and instances recover one after another.
  fc.record({ op: fc.constant('wait' as const), ms: fc.constantFrom(50, 150, 300, 500) }),
]

/** Faults on a single redis-server: SIGKILL and restart (with its data, or emptied), SIGSTOP, pub/sub connections killed. */
export const serverFaults: fc.Arbitrary<Step>[] = [
  fc.constant({ op: 'kill' as const }),
  fc.record({ op: fc.constant('restart' as const), empty: fc.constantFrom(false, false, true) }),
  fc.constant({ op: 'pause' as const }),
  fc.constant({ op: 'resume' as const }),
  fc.constant({ op: 'killSubscribers' as const }),
]

/** Faults on a cluster: one master SIGKILLed and restarted with its data; pub/sub connections killed. */
export const clusterFaults: fc.Arbitrary<Step>[] = [
  fc.constant({ op: 'kill' as const }),
  fc.constant({ op: 'restart' as const, empty: false }),
  fc.constant({ op: 'killSubscribers' as const }),
]

/** Sequences of `minSteps` to `maxSteps` steps, operations about four times as likely as faults. */
export function sequences(faults: fc.Arbitrary<Step>[], minSteps: number, maxSteps: number) {
  const step = fc.oneof(
    ...operations.map((arbitrary) => ({ arbitrary, weight: 4 })),
    ...faults.map((arbitrary) => ({ arbitrary, weight: 3 })),
  )
  return fc.array(step, { minLength: minSteps, maxLength: maxSteps })
}

export { INSTANCES }
