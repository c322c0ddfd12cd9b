import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'

/** What the fake model was asked: one request per call, however many prompts it carried. */
export interface ModelUsage {
  requests: number
  prompts: number
}

/**
 * A stand-in for a hosted language model, so the example needs no network and no API key: answers
 * are deterministic, each request takes `latencyMs` (plus 1 ms per prompt in a batch request) and
 * `usage` counts requests and prompts, which is what a provider bills.
 */
export function createFakeModel({ latencyMs = 40 } = {}) {
  const usage: ModelUsage = { requests: 0, prompts: 0 }
  const answer = (prompt: string) =>
    `summary ${createHash('sha256').update(prompt).digest('hex').slice(0, 8)}: ${prompt.split(' ').slice(0, 5).join(' ')}…`

  return {
    usage,
    /** One prompt, one request. */
    async complete(prompt: string): Promise<string> {
      usage.requests += 1
      usage.prompts += 1
      await sleep(latencyMs)
      return answer(prompt)
    },
    /** The provider's batch endpoint: many prompts in one request, answers in the same order. */
    async completeMany(prompts: readonly string[]): Promise<string[]> {
      usage.requests += 1
      usage.prompts += prompts.length
      await sleep(latencyMs + prompts.length)
      return prompts.map(answer)
    },
  }
}
