import { describe, expect, it } from 'vitest'
import { defaultRules, recommend } from './recommend.js'
import type { RecommendationRule } from './recommend.js'
import { feed } from '../../test/fixtures/metrics-feed.js'
import { defineRule } from './rule.js'
import type { RecommendationPriority } from '../types.js'

function fixedRule(id: string, priority: RecommendationPriority): RecommendationRule {
  return defineRule(id, 'cache', () => ({
    priority,
    title: id,
    evidence: { metric: id, value: 1, threshold: 0, window: '5m', summary: `${id} 1` },
    action: 'nothing',
    apply: { restart: false },
  }))
}

describe('recommend', () => {
  it('sorts critical first, then by id', () => {
    const rules = [
      fixedRule('b.low', 'low'),
      fixedRule('z.critical', 'critical'),
      fixedRule('c.medium', 'medium'),
      fixedRule('a.critical', 'critical'),
      fixedRule('a.high', 'high'),
    ]
    const ids = recommend(
      feed(() => ({})),
      rules,
    ).map((recommendation) => recommendation.id)
    expect(ids).toEqual(['a.critical', 'z.critical', 'a.high', 'c.medium', 'b.low'])
  })

  it('skips a rule that throws and keeps the others', () => {
    const broken: RecommendationRule = {
      id: 'broken',
      component: 'db',
      evaluate: () => {
        throw new Error('reads a figure that is not there')
      },
    }
    const result = recommend(
      feed(() => ({})),
      [broken, fixedRule('works', 'high')],
    )
    expect(result.map((recommendation) => recommendation.id)).toEqual(['works'])
  })

  it('has at least 14 default rules with unique ids, each naming its recommendations', () => {
    const ids = defaultRules.map((rule) => rule.id)
    expect(ids.length).toBeGreaterThanOrEqual(14)
    expect(new Set(ids).size).toBe(ids.length)
    // Forecast rules are named for what they forecast, whatever component runs out.
    for (const rule of defaultRules) {
      expect(rule.id.startsWith(`${rule.component}.`) || rule.id.startsWith('forecast.')).toBe(true)
    }
  })

  it('recommends nothing for a healthy process', () => {
    const healthy = (index: number) => ({
      cache: { hits: 900 * index, misses: 100 * index },
      db: { queries: { executed: 3_000 * index }, cache: { hits: 90 * index, misses: 10 * index } },
      tasks: { processed: { completed: 100 * index, failed: index } },
    })
    expect(recommend(feed(healthy, { count: 20 }))).toEqual([])
  })

  it('recommends nothing from a single record, however bad it looks', () => {
    const alarming = () => ({
      cache: { l2: { breaker: 'open' as const } },
      db: { pool: { waiting: 50 } },
      memory: { heap: { ratio: 0.99 } },
      system: { cpu: { total: 100 }, eventLoop: { delay: { p99: 900 } } },
    })
    expect(recommend(feed(alarming, { count: 1 }))).toEqual([])
  })

  it('combines the default rules on a struggling process, most urgent first', () => {
    const struggling = (index: number) => ({
      cache: { l2: { breaker: 'open' as const } },
      db: { pool: { waiting: 4 } },
      tasks: { counts: { backlog: 200 + 30 * index } },
      system: { cpu: { total: 90 } },
    })
    const result = recommend(feed(struggling))
    expect(result.map((recommendation) => [recommendation.priority, recommendation.id])).toEqual([
      ['critical', 'cache.redis-circuit-open'],
      ['high', 'db.pool-waiting'],
      ['high', 'system.cpu-high'],
      ['high', 'tasks.growing-backlog'],
    ])
  })
})
