import type { EventEmitter } from 'node:events'
import { PassThrough, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Command, Option } from 'commander'
import { format, resolveConfig as prettierConfig } from 'prettier'
import { COMMAND_EXAMPLES, examplesHelp } from '../src/examples.js'
import { EXIT_CODES } from '../src/exit-codes.js'
import { createProgram } from '../src/program.js'

// Renders docs/cli.md from the commander program itself: every command, argument and option as
// `--help` shows them, the help text each command adds, its examples (src/examples.ts) and the
// exit codes (src/exit-codes.ts). scripts/write-cli-doc.ts writes it; test/cli-doc.test.ts fails
// when the committed file differs from what this renders.

/** The file this renders. */
export const CLI_DOC = fileURLToPath(new URL('../../../docs/cli.md', import.meta.url))

/** Help is rendered at a fixed width, so the document does not depend on the terminal. */
const HELP_WIDTH = 100

const INTRO = `# CLI reference

<!-- Generated from the commander program of apps/cli by
\`pnpm --filter @bi-perf/cli docs:cli\`; edit the commands, not this file. -->

\`@bi-perf/cli\` installs two executables: \`bi-performance <command>\`, and the toolkit's main binary \`bi-perf\`, which carries the same commands as \`bi-perf performance <command>\`. Every command below works the same under both. Install it with \`npm install --global @bi-perf/cli\`; \`bi-performance --help\` and \`bi-performance <command> --help\` print what this page lists.

Each command talks to a running bi-perf API when it has a URL (\`--url\` or \`BI_PERF_URL\`, with \`--token\` or \`BI_PERF_TOKEN\`), or starts an optimizer in its own process from the configuration otherwise ([docs/configuration.md](configuration.md)). Every read command takes \`--json\` and prints one JSON document for scripts.`

/** A sink for the program's output: the document reads help text, it never runs a command. */
function quietIo() {
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() })
  return { stdout: sink(), stderr: sink(), stdin: new PassThrough(), env: {}, cwd: process.cwd() }
}

/** What `--help` prints for `command`, uncoloured, at {@link HELP_WIDTH} columns. */
function helpText(command: Command): string {
  let text = ''
  command.configureOutput({
    writeOut: (chunk) => {
      text += chunk
    },
    getOutHelpWidth: () => HELP_WIDTH,
    getOutHasColors: () => false,
  })
  command.outputHelp()
  return text
}

/** The text a command adds after its generated help (`addHelpText('after', …)`). */
function addedHelpText(command: Command): string {
  let text = ''
  const write = (chunk: string) => {
    text += chunk
  }
  // A Command is an EventEmitter at run time (help text hangs on its 'afterHelp' event); its
  // types leave that out.
  const events = command as unknown as EventEmitter
  events.emit('afterHelp', { error: false, command, write })
  return text
}

function code(text: string): string {
  return `\`${text}\``
}

/** Text in a table cell: a pipe would end the cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|')
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ]
}

/** A fenced code block of `text` without its surrounding blank lines. */
function fenced(language: string, text: string): string[] {
  return [`\`\`\`${language}`, text.replace(/^\n+|\s+$/g, ''), '```']
}

function defaultOf(option: Option): string {
  if (option.defaultValueDescription !== undefined) return code(option.defaultValueDescription)
  if (option.defaultValue === undefined) return ''
  return code(JSON.stringify(option.defaultValue))
}

function optionRows(options: readonly Option[]): string[][] {
  return options.map((option) => {
    const notes = [
      // A `*` in help text (`"dashboard:*"`) is a star, not emphasis.
      option.description.replaceAll('*', '\\*'),
      option.mandatory ? 'required' : '',
      option.argChoices ? `one of ${option.argChoices.map(code).join(', ')}` : '',
    ]
    return [code(option.flags), defaultOf(option), notes.filter((note) => note !== '').join('; ')]
  })
}

/** A command's description, a lower-case fragment in `--help`, as a sentence. */
function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

function renderCommand(command: Command): string[] {
  const help = command.createHelp()
  const name = command.name()
  const usage = fenced('sh', help.commandUsage(command))
  const lines = [`### ${name}`, '', sentence(command.description()), '', ...usage]
  const args = help.visibleArguments(command)
  if (args.length > 0) {
    const rows = args.map((arg) => [code(help.argumentTerm(arg)), arg.description])
    lines.push('', ...table(['Argument', 'Description'], rows))
  }
  const options = help.visibleOptions(command).filter((option) => option.long !== '--help')
  if (options.length > 0) {
    lines.push('', ...table(['Option', 'Default', 'Description'], optionRows(options)))
  }
  const examples = COMMAND_EXAMPLES[name]
  // Every command shows examples: a new one fails the drift test until it has some.
  if (!examples) throw new Error(`src/examples.ts has no examples for the ${name} command`)
  const notes = addedHelpText(command).replace(`${examplesHelp(examples)}\n`, '')
  if (notes.trim() !== '') lines.push('', ...fenced('text', notes))
  lines.push('', 'Examples:', '', ...fenced('sh', examples.join('\n')))
  return [...lines, '']
}

/**
 * The text of docs/cli.md, formatted by Prettier with the repository's settings and prose
 * wrapped at its print width, so `prettier --check` accepts the committed file.
 */
export async function renderCliDoc(): Promise<string> {
  const program = createProgram('bi-performance', { io: quietIo(), state: { exitCode: 0 } })
  const help = program.createHelp()
  const globalOptions = help.visibleOptions(program).filter((option) => option.long !== '--help')
  const lines = [
    INTRO,
    '',
    '## Usage',
    '',
    ...fenced('text', helpText(program)),
    '',
    '## Global options',
    '',
    'These go before or after the command: `bi-performance status --url http://127.0.0.1:8080`.',
    '',
    ...table(['Option', 'Default', 'Description'], optionRows(globalOptions)),
    '',
    '`-h, --help` prints the help of the program or of a command.',
    '',
    '## Exit codes',
    '',
    ...table(
      ['Code', 'Meaning'],
      EXIT_CODES.map(({ code: exitCode, meaning }) => [String(exitCode), meaning]),
    ),
    '',
    'Errors are printed as one line on stderr, naming the fix.',
    '',
    '## Commands',
    '',
  ]
  for (const command of help.visibleCommands(program)) {
    if (command.name() !== 'help') lines.push(...renderCommand(command))
  }
  const options = (await prettierConfig(CLI_DOC)) ?? {}
  return format(lines.join('\n'), { ...options, filepath: CLI_DOC, proseWrap: 'always' })
}
