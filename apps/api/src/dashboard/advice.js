// @ts-check
// The recommendations and forecasts cards, both from GET /performance/recommendations: what to
// change (with humanized evidence and how to apply it) and what runs out when.

import { messageOf } from './api.js'
import { byId as $, element } from './dom.js'
import { describeEvidence, formatDuration, formatRatio, tidyNumbers } from './format.js'

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('../schemas.js').RecommendationsBody} RecommendationsBody */
/** @typedef {import('../schemas.js').RecommendationBody} RecommendationBody */
/** @typedef {import('../schemas.js').ForecastBody} ForecastBody */

/**
 * `yaml · env · command · restart`, each ready to copy; absent parts are left out, and so is the
 * line when there is nothing to run and no restart.
 * @param {RecommendationBody['apply']} apply
 */
function applyLine(apply) {
  /** @type {[label: string, text: string | undefined][]} */
  const all = [
    ['YAML', apply.yaml],
    ['env', apply.env],
    ['run', apply.command],
  ]
  const parts = all
    .filter(([, text]) => text)
    .map(([label, text]) =>
      element('span', { className: 'apply-part' }, [
        element('span', { className: 'muted', textContent: `${label} ` }),
        element('code', { textContent: text ?? '' }),
      ]),
    )
  if (parts.length === 0 && !apply.restart) return []
  const restart = element('span', {
    className: `restart ${apply.restart ? 'needed' : ''}`,
    textContent: apply.restart ? 'restart needed' : 'no restart',
  })
  return [
    element('p', { className: 'apply' }, [
      element('span', { className: 'muted', textContent: 'how to apply:' }),
      ...parts,
      restart,
    ]),
  ]
}

/** @param {RecommendationBody} r */
function recommendationItem(r) {
  const item = element('li', {}, [
    element('span', { className: 'priority', textContent: r.priority }),
    element('div', { className: 'body' }, [
      element('p', { className: 'title', textContent: tidyNumbers(r.title) }),
      element('p', { className: 'evidence', textContent: describeEvidence(r.evidence) }),
      element('p', { className: 'action', textContent: tidyNumbers(r.action) }),
      // Older servers may send no `apply`.
      ...(r.apply ? applyLine(r.apply) : []),
    ]),
  ])
  item.dataset.priority = r.priority
  item.dataset.id = r.id
  return item
}

/** @type {Record<string, string>} */
const OUTLOOK = {
  exhausts: 'runs out',
  stable: 'stable',
  recovering: 'recovering',
  unknown: 'not enough data yet',
}

/**
 * A forecast's line when the server sent no summary.
 * @param {ForecastBody} f
 */
function fallback(f) {
  if (f.outlook === 'exhausts' && f.etaMs !== null) {
    return `${f.subject} runs out in about ${formatDuration(f.etaMs)} at the current rate`
  }
  return f.outlook === 'unknown'
    ? `${f.subject}: not enough data yet`
    : `${f.subject}: ${f.outlook}`
}

/** @param {ForecastBody} f */
function forecastItem(f) {
  const known = f.outlook !== 'unknown'
  const item = element('li', {}, [
    element('span', { className: 'outlook', textContent: OUTLOOK[f.outlook] ?? f.outlook }),
    // An unknown outlook's summary says what data is missing; older servers may send none.
    element('span', { className: 'summary', textContent: tidyNumbers(f.summary || fallback(f)) }),
    element('span', {
      className: 'confidence muted',
      textContent: known ? `confidence ${formatRatio(f.confidence)}` : '',
    }),
  ])
  item.dataset.outlook = f.outlook
  item.dataset.resource = f.resource
  return item
}

/** @param {string} text */
const emptyItem = (text) => element('li', { className: 'empty', textContent: text })

/**
 * Loads `/performance/recommendations` now and every 10 s into the recommendations list and the
 * forecasts list; the forecasts card stays hidden for a server that sends none.
 * @param {Api} api
 */
export function createAdvice(api) {
  const load = async () => {
    try {
      // `forecasts` is absent from older servers' answers.
      const { recommendations, forecasts } =
        /** @type {Partial<RecommendationsBody> & Pick<RecommendationsBody, 'recommendations'>} */ (
          await api.get('/performance/recommendations')
        )
      $('recommendations').replaceChildren(
        ...(recommendations.length === 0
          ? [emptyItem('Nothing to change right now.')]
          : recommendations.map(recommendationItem)),
      )
      $('forecasts-card').hidden = forecasts === undefined
      if (forecasts) {
        $('forecasts').replaceChildren(
          ...(forecasts.length === 0
            ? [emptyItem('Not enough data yet: forecasts need a few minutes of samples.')]
            : forecasts.map(forecastItem)),
        )
      }
      $('recommendations-age').textContent = `updated ${new Date().toLocaleTimeString()}`
    } catch (error) {
      $('recommendations-age').textContent = `not updated: ${messageOf(error)}`
    }
  }
  void load()
  setInterval(() => void load(), 10_000)
}
