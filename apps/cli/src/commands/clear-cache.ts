import type { Command } from 'commander'
import { confirm } from '../confirm.js'
import { createContext, withSource } from '../context.js'
import { UsageError } from '../errors.js'
import { formatCount } from '../ui/format.js'
import { parseTagList } from '../option-parsers.js'
import type { CommandEnv } from './command-env.js'

/**
 * `clear-cache [--pattern P] [--tags a,b] [--yes]`: clears keys by Redis glob, by tags, or
 * everything (after a confirmation on a terminal, or with `--yes`), and reports how many went.
 *
 * @example
 * registerClearCacheCommand(program, { io, state })
 */
export function registerClearCacheCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('clear-cache')
    .description('clear cache keys by pattern or tags, or all of them; reports how many keys went')
    .option('--pattern <glob>', 'Redis glob of the keys to clear, e.g. "dashboard:*"')
    .option(
      '--tags <list>',
      'clear every entry carrying any of these comma-separated tags',
      parseTagList,
    )
    .option('-y, --yes', 'clear everything without asking')
    .option('--json', 'print { "removed": n }')
    .addHelpText(
      'after',
      `
Without --pattern or --tags every key goes, so the command asks first (or needs --yes when not on
a terminal). Remote (--url) clears the service's cache (role admin). Local (no --url) clears
through an optimizer in this process: its in-process tier is its own, but a shared Redis tier is
cleared for every instance, which is what a local clear is useful for.`,
    )
    .action(
      async (
        options: { pattern?: string; tags?: string[]; yes?: boolean; json?: boolean },
        command: Command,
      ) => {
        const context = createContext(command, env.io, env.state)
        const everything = options.pattern === undefined && options.tags === undefined
        if (everything && !options.yes) {
          if (context.io.stdin.isTTY !== true) {
            throw new UsageError(
              'refusing to clear every cache key without confirmation: pass --yes (or --pattern / --tags)',
            )
          }
          const where = context.url ?? 'the configured cache'
          if (!(await confirm(context.io, `Clear every key of ${where}? [y/N] `))) {
            context.note('nothing cleared')
            return
          }
        }
        const removed = await withSource(context, {}, (source) =>
          source.clearCache({
            ...(options.pattern === undefined ? {} : { pattern: options.pattern }),
            ...(options.tags === undefined ? {} : { tags: options.tags }),
          }),
        )
        if (options.json) {
          context.printJson({ removed })
          return
        }
        const what = [
          options.pattern === undefined ? null : `matching ${options.pattern}`,
          options.tags === undefined ? null : `tagged ${options.tags.join(', ')}`,
        ].filter((part) => part !== null)
        context.print(
          `removed ${formatCount(removed)} ${removed === 1 ? 'key' : 'keys'}${what.length > 0 ? ` ${what.join(' or ')}` : ''}`,
        )
      },
    )
}
