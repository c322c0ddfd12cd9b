import type { Command } from 'commander'
import { createContext, withSource } from '../context.js'
import { keyFigures } from '../key-figures.js'
import { renderStatus } from '../ui/status-view.js'
import type { CommandEnv } from './command-env.js'

/**
 * `status`: health of every component, the profile and key figures. Exits 1 when the overall
 * state is `down` (degraded still exits 0: the service answers), so `status` can gate scripts.
 *
 * @example
 * registerStatusCommand(program, { io, state })
 */
export function registerStatusCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('status')
    .description('health of every component, the active profile and key figures')
    .option('--json', 'print one JSON document instead of the dashboard')
    .addHelpText(
      'after',
      '\nExit code: 0 when the state is ok or degraded, 1 when it is down, 2 on a usage or connection error.',
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = createContext(command, env.io, env.state)
      const { status, metrics, label } = await withSource(
        context,
        { scope: 'read', waitForSample: true },
        async (source) => {
          const [status, metrics] = await Promise.all([source.status(), source.metrics()])
          return { status, metrics, label: source.label }
        },
      )
      const figures = keyFigures(metrics)
      if (options.json) {
        context.printJson({
          source:
            context.url === undefined ? { mode: 'local' } : { mode: 'remote', url: context.url },
          state: status.state,
          profile: status.profile,
          running: status.running,
          startedAt: status.startedAt,
          uptimeMs: status.uptimeMs,
          instance: status.instance,
          version: status.version,
          components: status.components,
          figures,
          forecasts: status.forecasts,
        })
      } else {
        context.print(renderStatus(status, figures, label, context.style))
      }
      if (status.state === 'down') context.state.exitCode = 1
    })
}
