import type { Command } from 'commander'
import type { ProfileChange } from '@bi-perf/core'
import { createContext, withSource } from '../context.js'
import { formatBytes, formatDuration, formatCount } from '../ui/format.js'
import { loadCore } from '../local-source.js'
import { UnknownProfileError } from '../errors.js'
import type { Style } from '../ui/style.js'
import { renderTable } from '../ui/table.js'
import type { CommandEnv } from './command-env.js'

function formatSetting(setting: string, value: number): string {
  if (/bytes|threshold/i.test(setting)) return formatBytes(value)
  if (/ttl|timeout|interval|ms$/i.test(setting)) return formatDuration(value)
  if (/limit$/i.test(setting) && value <= 1) return `${(value * 100).toFixed(0)} %`
  return formatCount(value)
}

/**
 * The human report of a profile change: from → to, one row per moved setting, then the settings
 * the profile asks for that this backend caps or ignores (`database.pool.max → 20 (capped at 1
 * by embedded PGlite)`), so a capped pool never reads as the profile shrinking it.
 */
export function renderProfileChange(change: ProfileChange, style: Style): string[] {
  const head = `profile ${change.previous} → ${style.bold(change.profile)}`
  // An API older than the `held` field sends none.
  const held = change.held ?? []
  if (change.changes.length === 0 && held.length === 0) {
    return [`${head}: nothing changed (${change.profile} was already in force)`]
  }
  const lines = [
    `${head}: ${change.changes.length} ${change.changes.length === 1 ? 'setting' : 'settings'} changed`,
  ]
  if (change.changes.length > 0) {
    lines.push(
      '',
      ...renderTable(
        [
          { header: 'setting' },
          { header: 'from', align: 'right' },
          { header: 'to', align: 'right' },
        ],
        change.changes.map((item) => [
          item.setting,
          formatSetting(item.setting, item.from),
          style.cyan(formatSetting(item.setting, item.to)),
        ]),
        { header: style.dim },
      ),
    )
  }
  if (held.length > 0) {
    lines.push('', style.dim('not applied on this backend:'))
    for (const item of held) {
      lines.push(
        style.dim(
          `  ${item.setting} → ${formatSetting(item.setting, item.requested)} (${item.reason})`,
        ),
      )
    }
  }
  return lines
}

/**
 * `optimize <profile>`: applies balanced, memory or performance and shows what changed.
 *
 * @example
 * registerOptimizeCommand(program, { io, state })
 */
export function registerOptimizeCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('optimize')
    .description(
      'apply an optimization profile (balanced, memory, performance) and show what changed',
    )
    .argument('<profile>', 'balanced, memory or performance')
    .option('--json', 'print the change as one JSON document')
    .addHelpText(
      'after',
      `
Remote (--url): changes the running service; needs a token with role admin.
Local (no --url): applies the profile to an optimizer in this process only, which ends with the
command — useful to preview what a profile changes against your configuration.`,
    )
    .action(async (profile: string, options: { json?: boolean }, command: Command) => {
      const context = createContext(command, env.io, env.state)
      if (context.url === undefined) {
        // Check before starting a whole optimizer for nothing.
        const core = await loadCore()
        if (!(core.profileNames as readonly string[]).includes(profile)) {
          throw new UnknownProfileError(profile, core.profileNames)
        }
      }
      const change = await withSource(context, {}, (source) => source.optimize(profile))
      if (options.json) {
        context.printJson(change)
        return
      }
      context.print(renderProfileChange(change, context.style))
      if (context.url === undefined) {
        context.note(
          'local mode: this changed only the optimizer of this command; pass --url to change a running service',
        )
      }
    })
}
