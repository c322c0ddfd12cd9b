import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  HttpCacheRules,
  parseVary,
  policyRequest,
  readFreshHit,
  servedFresh,
  storableHeaders,
} from '../src/cached-fetch/http-cache-policy.js'

// A fresh hit on a request without directives is served from what was stored with the entry
// (`FreshHit`), without restoring the policy. These properties hold it to the full policy's
// answer: same decision, same served headers (Age included), for any response and elapsed time.

const T0 = Date.UTC(2026, 5, 1, 12)
const URL_ = new URL('https://api.example/v1/rates?base=EUR')
const DAY_MS = 24 * 60 * 60 * 1000
const SEED = Number(process.env.FAST_PATH_SEED ?? Math.floor(Math.random() * 2 ** 31))

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: T0 })
})

afterEach(() => {
  vi.useRealTimers()
})

const seconds = fc.oneof(fc.constantFrom(0, 1, 59, 60, 3600, 86_400, 200_000), fc.nat(400_000))

const responseDirective = fc.oneof(
  seconds.map((n) => `max-age=${n}`),
  seconds.map((n) => `s-maxage=${n}`),
  seconds.map((n) => `stale-while-revalidate=${n}`),
  fc.constantFrom(
    'private',
    'public',
    'no-cache',
    'no-store',
    'must-revalidate',
    'proxy-revalidate',
    'immutable',
    'max-age=abc',
  ),
)

const requestDirective = fc.oneof(
  seconds.map((n) => `max-age=${n}`),
  seconds.map((n) => `min-fresh=${n}`),
  seconds.map((n) => `max-stale=${n}`),
  fc.constantFrom('no-cache', 'max-stale', 'max-age=0', 'only-if-cached'),
)

/** A value or, three times out of four, none (so plain responses and requests are common). */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 })

/** An optional time relative to T0, as an HTTP date. */
const httpDate = (minMs: number, maxMs: number) =>
  sometimes(
    fc.integer({ min: minMs, max: maxMs }).map((offset) => new Date(T0 + offset).toUTCString()),
  )

const scenario = fc.record({
  shared: fc.boolean(),
  heuristicMs: fc.constantFrom(60_000, 300_000, 2 * DAY_MS),
  status: fc.constantFrom(200, 203, 204, 301, 302, 307, 404, 410, 500),
  directives: fc.uniqueArray(responseDirective, { maxLength: 4 }),
  lastModified: httpDate(-400 * DAY_MS, 0),
  date: httpDate(-3 * DAY_MS, 60 * 60 * 1000),
  expires: httpDate(-DAY_MS, 3 * DAY_MS),
  age: sometimes(fc.constantFrom('0', '30', '3600', '90000', '-5', ' 7', 'abc', '1e3')),
  etag: sometimes(fc.constant('"v1"')),
  vary: sometimes(fc.constantFrom('accept', 'Accept, Accept-Language')),
  warning: sometimes(fc.constantFrom('110 - "stale"', '299 - "misc"')),
  authorization: fc.boolean(),
  requestCacheControl: sometimes(
    fc.uniqueArray(requestDirective, { minLength: 1, maxLength: 2 }).map((d) => d.join(', ')),
  ),
  pragma: sometimes(fc.constant('no-cache')),
  inFlightMs: fc.nat(3000),
  elapsedMs: fc.oneof(fc.nat(5 * 60 * 1000), fc.nat(3 * DAY_MS)),
})

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never

/**
 * Stores the scenario's response as the client does (its policy serialized, its `FreshHit`
 * round-tripped), lets `elapsedMs` pass, and asks both paths about a later request.
 */
function bothPaths(s: Scenario) {
  const rules = new HttpCacheRules({ shared: s.shared, heuristicMs: s.heuristicMs })
  const sent: Record<string, string> = { accept: 'application/json', 'accept-language': 'fr' }
  if (s.authorization) sent.authorization = 'Bearer token'
  const raw: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'cache-control': s.directives.length > 0 ? s.directives.join(', ') : undefined,
    'last-modified': s.lastModified,
    date: s.date,
    expires: s.expires,
    age: s.age,
    etag: s.etag,
    vary: s.vary,
    warning: s.warning,
  }
  const policy = rules.fromResponse(
    policyRequest(URL_, sent, parseVary(s.vary)),
    { status: s.status, headers: storableHeaders(raw) },
    T0 - s.inFlightMs,
  )
  const storedPolicy = JSON.stringify(policy.toObject())
  const storedHit = JSON.parse(JSON.stringify(policy.freshHit() ?? null)) as unknown

  vi.setSystemTime(T0 + s.elapsedMs)
  const later = { ...sent }
  if (s.requestCacheControl !== undefined) later['cache-control'] = s.requestCacheControl
  if (s.pragma !== undefined) later.pragma = s.pragma
  const restored = rules.fromObject(JSON.parse(storedPolicy))
  if (!restored) throw new Error('the stored policy did not restore')
  const full = restored.evaluate(policyRequest(URL_, later, restored.vary))

  const hit = readFreshHit(storedHit)
  const withoutDirectives = s.requestCacheControl === undefined && s.pragma === undefined
  const fast = hit && withoutDirectives ? servedFresh(hit, Date.now()) : undefined
  return { full, fast, hit, status: restored.status, withoutDirectives }
}

describe('the fresh-hit fast path', () => {
  it('serves a response only when the full policy serves it fresh, with the same headers', () => {
    let served = 0
    fc.assert(
      fc.property(scenario, (s) => {
        const { full, fast, hit, status } = bothPaths(s)
        if (fast === undefined) return
        served++
        expect(full.decision).toBe('fresh')
        if (full.decision === 'revalidate') return
        expect(fast).toEqual(full.headers)
        // Same header order too, as a caller iterating them would see.
        expect(Object.keys(fast)).toEqual(Object.keys(full.headers))
        expect(hit?.status).toBe(status)
      }),
      { seed: SEED, numRuns: 3000 },
    )
    // The scenarios reach the fast path often enough for the comparison to mean something.
    expect(served).toBeGreaterThan(100)
  })

  it('is taken for every fresh response to a request without directives', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { full, fast, hit, withoutDirectives } = bothPaths(s)
        if (!withoutDirectives || full.decision !== 'fresh' || hit === undefined) return
        const age = hit.ageValue + (Date.now() - hit.responseTime) / 1000
        // Past a day of age the library may add a heuristic Warning: the full policy decides.
        if (age > 86_400) return
        expect(fast).toEqual(full.headers)
      }),
      { seed: SEED, numRuns: 3000 },
    )
  })

  it('leaves responses served with a Warning to the full policy', () => {
    const s = fc.sample(scenario, { seed: SEED, numRuns: 1 })[0]
    if (s === undefined) throw new Error('no sample')
    // The library drops 1xx warnings when serving; a 2xx one is served, so no fast path.
    expect(bothPaths({ ...s, warning: '299 - "misc"' }).hit).toBeUndefined()
  })

  it('serves with the current Age and the origin Date', () => {
    const { fast, full } = bothPaths({
      shared: false,
      heuristicMs: 300_000,
      status: 200,
      directives: ['max-age=600'],
      lastModified: undefined,
      date: new Date(T0 - 10_000).toUTCString(),
      expires: undefined,
      age: '30',
      etag: undefined,
      vary: undefined,
      warning: undefined,
      authorization: false,
      requestCacheControl: undefined,
      pragma: undefined,
      inFlightMs: 1000,
      elapsedMs: 120_000,
    })
    // 30 s on arrival, 1 s in flight, 120 s stored.
    expect(fast).toMatchObject({ age: '151', date: new Date(T0 - 10_000).toUTCString() })
    expect(full).toEqual({ decision: 'fresh', headers: fast })
  })
})

console.log(`cached-fetch fast path properties: seed ${SEED} (rerun with FAST_PATH_SEED=${SEED})`)
