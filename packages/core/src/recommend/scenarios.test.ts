import { describe, expect, it } from 'vitest'
import { SCENARIOS, runScenario, scoreSuite } from '../../test/fixtures/recommend-scenarios.js'

// Floors the suite must keep. Quiet scenarios (fresh start, demo seed, profile just applied, idle
// workload, cache cleared) allow no false alarm at all; the engine may miss a tenth of the
// positives before CI fails.
const MIN_RECALL = 0.9
const MIN_PRECISION = 0.9

describe('recommendation scenarios', () => {
  const outcomes = SCENARIOS.map(runScenario)
  const score = scoreSuite(outcomes)

  it('has at least 20 labelled scenarios, with the quiet ones issue 17 names', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(20)
    const names = SCENARIOS.map((scenario) => scenario.name).join('\n')
    for (const word of [
      'fresh start',
      'demo seed',
      'profile just applied',
      'idle demo',
      'cleared 90',
    ]) {
      expect(names).toContain(word)
    }
  })

  it('raises no high or critical item in any scenario that promises quiet', () => {
    const violated = outcomes
      .filter((outcome) => outcome.scenario.top === undefined && outcome.problems.length > 0)
      .map((outcome) => `${outcome.scenario.name}: ${outcome.problems.join('; ')}`)
    expect(violated).toEqual([])
    expect(score.quietPrecision).toBe(1)
  })

  it(`keeps precision ≥ ${MIN_PRECISION} and recall ≥ ${MIN_RECALL} over the suite`, () => {
    const rows = outcomes.map(
      (outcome) =>
        `${outcome.problems.length === 0 ? 'ok  ' : 'MISS'} ${outcome.scenario.name}` +
        (outcome.problems.length === 0 ? '' : `\n       ${outcome.problems.join('\n       ')}`),
    )
    console.log(
      [
        ...rows,
        `scenarios ${score.scenarios}: ${score.positives} with an expected top recommendation, ${score.quiet} that must stay quiet`,
        `recall ${score.recall.toFixed(3)} (${score.hits}/${score.positives}), precision ${score.precision.toFixed(3)} (${score.rightAlarms}/${score.alarms} high/critical items right), quiet scenarios without false alarm ${score.quiet - score.quietViolated}/${score.quiet}`,
      ].join('\n'),
    )
    expect(score.recall).toBeGreaterThanOrEqual(MIN_RECALL)
    expect(score.precision).toBeGreaterThanOrEqual(MIN_PRECISION)
  })

  it('gives every recommendation a summary in human units and a way to apply it', () => {
    for (const outcome of outcomes) {
      for (const item of outcome.recommendations) {
        expect(item.evidence.summary.length).toBeGreaterThan(0)
        // Raw figures such as "389642279.668 vs 0" never reach a user.
        expect(item.evidence.summary).not.toMatch(/\d{7,}/)
        expect(typeof item.apply.restart).toBe('boolean')
      }
    }
  })

  it('fails a scenario whose label the engine does not meet', () => {
    const mislabelled = { ...SCENARIOS[0]!, top: 'cache.l2-slow' }
    expect(runScenario(mislabelled).hit).toBe(false)
    const noisy = { ...SCENARIOS[0]!, top: undefined }
    expect(runScenario(noisy).falseAlarms.map((item) => item.id)).toEqual(['db.pool-waiting'])
  })
})
