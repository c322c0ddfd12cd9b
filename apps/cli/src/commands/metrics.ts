import { Option, type Command } from 'commander'
import { createContext, withSource } from '../context.js'
import { CheckFailedError } from '../errors.js'
import { localSectionHint } from '../local-read-config.js'
import {
  hasSection,
  metricSections,
  renderMetrics,
  sectionSwitch,
  type MetricSection,
} from '../ui/metrics-view.js'
import type { CommandEnv } from './command-env.js'

/**
 * `metrics [--section cache|db|tasks|memory|system]`: detailed figures of every component, or
 * of one. Asking for the section of a component that does not run exits 1.
 *
 * @example
 * registerMetricsCommand(program, { io, state })
 */
export function registerMetricsCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('metrics')
    .description('detailed metrics of every component, or of one section')
    .addOption(new Option('--section <name>', 'only this section').choices(metricSections))
    .option('--json', 'print one JSON document (the section, or every metric)')
    .action(async (options: { section?: MetricSection; json?: boolean }, command: Command) => {
      const context = createContext(command, env.io, env.state)
      const metrics = await withSource(context, { scope: 'read', waitForSample: true }, (source) =>
        source.metrics(),
      )
      const section = options.section
      if (section !== undefined && !hasSection(metrics, section)) {
        const hint =
          context.url === undefined && section in localSectionHint
            ? `; ${localSectionHint[section as keyof typeof localSectionHint]}`
            : ''
        throw new CheckFailedError(
          `no ${section} metrics: the ${section} component is not running there (${sectionSwitch[section]}: false, or no sample yet)${hint}`,
        )
      }
      if (options.json) {
        context.printJson(
          section === undefined
            ? metrics
            : { at: metrics.at, profile: metrics.profile, [section]: metrics[section] },
        )
        return
      }
      context.print(
        renderMetrics(metrics, section === undefined ? metricSections : [section], context.style),
      )
    })
}
