import { Option, type Command } from 'commander'
import type { Recommendation, RecommendationPriority } from '@bi-perf/core'
import { createContext, withSource } from '../context.js'
import type { Style } from '../ui/style.js'
import { renderForecasts } from '../ui/forecast-view.js'
import type { CommandEnv } from './command-env.js'

const priorities = [
  'critical',
  'high',
  'medium',
  'low',
] as const satisfies readonly RecommendationPriority[]

function paintPriority(priority: RecommendationPriority, style: Style): string {
  const label = priority.toUpperCase().padEnd(8)
  if (priority === 'critical' || priority === 'high') return style.red(label)
  if (priority === 'medium') return style.yellow(label)
  return style.dim(label)
}

/** Human lines of recommendations: priority, title, then the evidence and the action. */
export function renderRecommendations(list: readonly Recommendation[], style: Style): string[] {
  if (list.length === 0) return ['no recommendations: nothing to change right now']
  const lines: string[] = []
  for (const item of list) {
    const { evidence } = item
    if (lines.length > 0) lines.push('')
    lines.push(
      `${paintPriority(item.priority, style)}  ${style.bold(item.title)} ${style.dim(`(${item.id}, ${item.component})`)}`,
      `          evidence  ${evidence.metric} = ${evidence.value} (threshold ${evidence.threshold}, ${evidence.window})`,
      `          action    ${style.cyan(item.action)}`,
    )
  }
  return lines
}

/**
 * `recommendations [--priority high]`: the prioritized list with evidence and the action to take.
 *
 * @example
 * registerRecommendationsCommand(program, { io, state })
 */
export function registerRecommendationsCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('recommendations')
    .description('prioritized recommendations with their evidence and the action to take')
    .addOption(new Option('--priority <level>', 'only this priority and above').choices(priorities))
    .option('--json', 'print { "recommendations": [...], "forecasts": [...] }')
    .action(
      async (options: { priority?: RecommendationPriority; json?: boolean }, command: Command) => {
        const context = createContext(command, env.io, env.state)
        const advice = await withSource(context, { scope: 'read', waitForSample: true }, (source) =>
          source.recommendations(options.priority),
        )
        if (options.json) {
          context.printJson(advice)
          return
        }
        context.print([
          ...renderRecommendations(advice.recommendations, context.style),
          '',
          ...renderForecasts(advice.forecasts, context.style),
        ])
      },
    )
}
