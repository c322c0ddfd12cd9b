import type { Forecast } from '@bi-perf/core'
import { describe, expect, it } from 'vitest'
import { renderForecasts } from './forecast-view.js'
import { PassThrough } from 'node:stream'
import { createStyle } from './style.js'

const plain = createStyle(new PassThrough(), {})

const disk: Forecast = {
  resource: 'disk',
  subject: 'disk /var',
  outlook: 'exhausts',
  etaMs: 11_400_000,
  confidence: 0.82,
  current: 80,
  limit: 100,
  unit: 'bytes',
  ratePerMinute: 1,
  summary: 'disk /var full in about 3 h 10 min at the current rate (+12.4 MiB/min)',
}
const heap: Forecast = {
  ...disk,
  resource: 'heap',
  subject: 'heap',
  outlook: 'unknown',
  etaMs: null,
  confidence: 0,
  summary: 'heap: not enough data yet (3 samples over 5 s; a forecast needs 10 over 2 min)',
}

describe('renderForecasts', () => {
  it('prints outlook, confidence and the forecast in words, unknown without a confidence', () => {
    expect(renderForecasts([disk, heap], plain)).toEqual([
      'outlook   confidence  forecast',
      'exhausts        82 %  disk /var full in about 3 h 10 min at the current rate (+12.4 MiB/min)',
      'unknown            —  heap: not enough data yet (3 samples over 5 s; a forecast needs 10 over 2 min)',
    ])
  })

  it('says so when there is nothing to forecast', () => {
    expect(renderForecasts([], plain)).toEqual([
      'no forecasts: no heap, disk, task or pool figures',
    ])
  })
})
