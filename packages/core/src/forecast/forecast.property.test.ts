import { seededRandom } from '@bi-perf/bench'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CONFIDENT_FORECAST,
  FORECAST_MIN_POINTS,
  FORECAST_MIN_SPAN_MS,
  FULL_DATA_POINTS,
  FULL_DATA_SPAN_MS,
  forecastSeries,
} from './forecast.js'
import type { SeriesPoint } from '../metrics-history/metrics-history.js'

const T0 = Date.UTC(2026, 0, 1)

/** Enough points over enough time for a forecast: the shapes, not the data check, are tested. */
const sampling = fc
  .record({
    count: fc.integer({ min: FORECAST_MIN_POINTS, max: 400 }),
    stepMs: fc.integer({ min: 500, max: 60_000 }),
  })
  .filter(({ count, stepMs }) => (count - 1) * stepMs >= FORECAST_MIN_SPAN_MS)

/** Enough data that its amount no longer lowers the confidence. */
const fullSampling = fc
  .record({
    count: fc.integer({ min: FULL_DATA_POINTS, max: 400 }),
    stepMs: fc.integer({ min: 500, max: 60_000 }),
  })
  .filter(({ count, stepMs }) => (count - 1) * stepMs >= FULL_DATA_SPAN_MS)

describe('forecastSeries properties', () => {
  it('never forecasts exhaustion with confidence from a flat series with noise', () => {
    fc.assert(
      fc.property(
        sampling,
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 1, max: 1e12, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.constantFrom('uniform', 'spiky'),
        ({ count, stepMs }, seed, level, noise, kind) => {
          const next = seededRandom(seed)
          const points: SeriesPoint[] = Array.from({ length: count }, (_, index) => {
            const jitter = kind === 'uniform' ? next() - 0.5 : next() < 0.05 ? 5 * next() : 0
            return { at: T0 + index * stepMs, value: level * (1 + noise * jitter) }
          })
          const { forecast } = forecastSeries({
            resource: 'disk',
            subject: 'disk /data',
            unit: 'bytes',
            points,
            limit: level * 2,
          })
          expect(forecast.outlook === 'exhausts' && forecast.confidence >= CONFIDENT_FORECAST).toBe(
            false,
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('always forecasts a strictly linear growth, with the time left within 1 % of the truth', () => {
    fc.assert(
      fc.property(
        fullSampling,
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        // Headroom left, in multiples of the observed span's growth: up to 8× is extrapolated at
        // full confidence.
        fc.double({ min: 0.05, max: 8, noNaN: true }),
        ({ count, stepMs }, start, perMs, headroom) => {
          const points: SeriesPoint[] = Array.from({ length: count }, (_, index) => ({
            at: T0 + index * stepMs,
            value: start + perMs * index * stepMs,
          }))
          const spanMs = (count - 1) * stepMs
          const truth = headroom * spanMs
          const limit = points.at(-1)!.value + perMs * truth
          const { forecast } = forecastSeries({
            resource: 'disk',
            subject: 'disk /data',
            unit: 'bytes',
            points,
            limit,
          })
          expect(forecast.outlook).toBe('exhausts')
          expect(Math.abs(forecast.etaMs! - truth) / truth).toBeLessThan(0.01)
          expect(forecast.confidence).toBeGreaterThanOrEqual(CONFIDENT_FORECAST)
        },
      ),
      { numRuns: 300 },
    )
  })
})
