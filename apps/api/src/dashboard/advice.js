/* global document, setInterval */
// The recommendations and forecasts cards, both from GET /performance/recommendations: what to
// change (with humanized evidence and how to apply it) and what runs out when.

import { describeEvidence, formatDuration, formatRatio, tidyNumbers } from './format.js'

const $ = (id) => document.getElementById(id)

function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children)
  return node
}

/**
 * `yaml · env · command · restart`, each ready to copy; absent parts are left out, and so is the
 * line when there is nothing to run and no restart.
 */
function applyLine(apply) {
  const parts = [
    ['YAML', apply.yaml],
    ['env', apply.env],
    ['run', apply.command],
  ]
    .filter(([, text]) => text)
    .map(([label, text]) =>
      element('span', { className: 'apply-part' }, [
        element('span', { className: 'muted', textContent: `${label} ` }),
        element('code', { textContent: text }),
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

function recommendationItem(r) {
  const item = element('li', {}, [
    element('span', { className: 'priority', textContent: r.priority }),
    element('div', { className: 'body' }, [
      element('p', { className: 'title', textContent: tidyNumbers(r.title) }),
      element('p', { className: 'evidence', textContent: describeEvidence(r.evidence) }),
      element('p', { className: 'action', textContent: tidyNumbers(r.action) }),
      ...(r.apply ? applyLine(r.apply) : []),
    ]),
  ])
  item.dataset.priority = r.priority
  item.dataset.id = r.id
  return item
}

const OUTLOOK = {
  exhausts: 'runs out',
  stable: 'stable',
  recovering: 'recovering',
  unknown: 'not enough data yet',
}

/** A forecast's line when the server sent no summary. */
function fallback(f) {
  if (f.outlook === 'exhausts' && f.etaMs !== null) {
    return `${f.subject} runs out in about ${formatDuration(f.etaMs)} at the current rate`
  }
  return f.outlook === 'unknown'
    ? `${f.subject}: not enough data yet`
    : `${f.subject}: ${f.outlook}`
}

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

const emptyItem = (text) => element('li', { className: 'empty', textContent: text })

/**
 * Loads `/performance/recommendations` now and every 10 s into the recommendations list and the
 * forecasts list; the forecasts card stays hidden for a server that sends none.
 */
export function createAdvice(api) {
  const load = async () => {
    try {
      const { recommendations, forecasts } = await api.get('/performance/recommendations')
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
      $('recommendations-age').textContent = `not updated: ${error.message}`
    }
  }
  void load()
  setInterval(load, 10_000)
}
