import { fileURLToPath } from 'node:url'
import { format, resolveConfig as prettierConfig } from 'prettier'
import { z } from 'zod'
import { stringify } from 'yaml'
import { PROFILES, profileNames } from '../src/profiles.js'
import { diffTuning } from '../src/tuning.js'
import type { ProfileName, TuningValues } from '../src/types.js'
import {
  flow,
  settingTree,
  type Described,
  type LeafNode,
  type SectionNode,
} from './config-settings.js'

// Renders docs/configuration.md from the configuration schema, through the same walk as
// bi-perf.example.yaml (config-settings.ts). scripts/write-configuration-doc.ts writes it;
// test/configuration-doc.test.ts fails when the committed file differs from what this renders.

/** The file this renders. */
export const CONFIGURATION_DOC = fileURLToPath(
  new URL('../../../docs/configuration.md', import.meta.url),
)

/** A default longer than this leaves the table for a YAML block under the setting. */
const CELL_WIDTH = 40

const INTRO = `# Configuration

<!-- Generated from packages/core/src/config/schema.ts by
\`pnpm --filter @bi-perf/core docs:configuration\`; edit the schema, not this file. -->

Every setting of bi-perf: its YAML key, its environment variable, its type, its default and, where the optimization profile supplies it, each profile's value. The annotated example file [bi-perf.example.yaml](../bi-perf.example.yaml) lists the same settings as YAML ready to copy; both are generated from the one zod schema in \`@bi-perf/core\`, and CI fails when either differs from it.

## Where a value comes from

Each setting has one value at run time. Each layer overrides the ones to its left, setting by setting:

\`\`\`
package defaults  ←  profile  ←  YAML file  ←  environment
  (lowest)                                       (highest)
\`\`\`

1. **Package defaults**: each feature package's frozen \`DEFAULTS\` (\`@bi-perf/cache/defaults\` and its siblings). The defaults below are those, as core applies them.
2. **Profile**: the settings in [Profiles](#profiles) have no fixed default; the active profile (\`profile\`, \`balanced\` unless set) supplies them, and switching the profile live changes them. A value set in the file or the environment pins a setting whatever the profile.
3. **YAML file**: the file given to \`loadConfig({ file })\` (or the CLI's \`--config\`), else the path in \`BI_PERF_CONFIG\`, else \`./bi-perf.yaml\` when it exists. Unknown keys are errors.
4. **Environment**: each setting's variable below, laid over the file setting by setting. Booleans are \`true\`/\`false\`/\`1\`/\`0\`/\`yes\`/\`no\`, lists are comma-separated, mappings are JSON, and an empty variable counts as unset. \`BI_PERF_CONFIG\`, \`BI_PERF_URL\` and \`BI_PERF_TOKEN\` are reserved; any other unknown \`BI_PERF_\` variable is an error naming the closest real one.

[docs/architecture.md](architecture.md#how-defaults-are-layered) explains the layers in more depth.

Types: a **duration** is a number of milliseconds or a string with a unit \`ms\`, \`s\`, \`m\`, \`h\` or \`d\` (\`'30s'\`, \`'5m'\`); a **size** is a number of bytes or a string with a unit \`B\`, \`KB\`, \`MB\`, \`GB\` (powers of 1000) or \`KiB\`, \`MiB\`, \`GiB\` (powers of 1024), such as \`'64MiB'\`. Defaults are shown in the largest whole unit.
`

/** One row of the profiles table: a setting path and its value under each profile. */
type ProfileValues = ReadonlyMap<string, Readonly<Record<ProfileName, number>>>

/**
 * Each profile's value of every setting a profile supplies, by setting path. `diffTuning` lists
 * the values that differ between two tunings with their paths; against a tuning of NaN, which
 * equals nothing, that is every value.
 */
function profileValues(): ProfileValues {
  const blank = Object.fromEntries(
    Object.entries(PROFILES.balanced).map(([group, fields]) => [
      group,
      Object.fromEntries(Object.keys(fields as object).map((field) => [field, Number.NaN])),
    ]),
  ) as unknown as TuningValues
  const changes = profileNames.map((profile) => diffTuning(blank, PROFILES[profile]))
  const valueOf = (setting: string, column: number) =>
    changes[column]!.find((change) => change.setting === setting)!.to
  return new Map(
    changes[0]!.map(({ setting }) => {
      const values = profileNames.map((profile, column) => [profile, valueOf(setting, column)])
      return [setting, Object.fromEntries(values) as Record<ProfileName, number>]
    }),
  )
}

/** The profile values of a setting, whole (`tasks.concurrency` gathers `.min` and `.max`). */
function profileValueOf(
  node: LeafNode,
  profiles: ProfileValues,
): Record<ProfileName, string> | undefined {
  const dotted = node.path.join('.')
  const own = profiles.get(dotted)
  const fields = [...profiles].filter(([setting]) => setting.startsWith(`${dotted}.`))
  if (!own && fields.length === 0) return undefined
  const valueFor = (name: ProfileName): unknown =>
    own
      ? own[name]
      : Object.fromEntries(
          fields.map(([setting, values]) => [setting.slice(dotted.length + 1), values[name]]),
        )
  const entries = profileNames.map((name) => [name, flow(valueFor(name), node.described.unit)])
  return Object.fromEntries(entries) as Record<ProfileName, string>
}

/** The type column: the unit, the number kind, the allowed values or the value's shape. */
function typeOf({ inner, unit }: Described): string {
  if (unit) return unit
  if (inner instanceof z.ZodBoolean) return 'boolean'
  if (inner instanceof z.ZodNumber) return /int/.test(inner.format ?? '') ? 'integer' : 'number'
  if (inner instanceof z.ZodEnum) return `one of ${inner.options.map(String).join(', ')}`
  if (inner instanceof z.ZodArray) return 'list'
  if (inner instanceof z.ZodRecord) return 'mapping'
  if (inner instanceof z.ZodObject) return `{ ${Object.keys(inner.shape).join(', ')} }`
  return 'string'
}

function code(text: string): string {
  return `\`${text}\``
}

/** Schema text as Markdown: outside code spans, a `*` is a star (`/performance/*`), not emphasis. */
function prose(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replaceAll('*', '\\*')))
    .join('')
}

/** Text in a table cell: a pipe would end the cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|')
}

interface Rendered {
  row: string
  /** The setting's entry in the list under the table. */
  item: string
}

function renderSetting(node: LeafNode, profiles: ProfileValues): Rendered {
  const { doc, unit } = node.described
  const dotted = node.path.join('.')
  const sentences = [prose(doc.description ?? '')]
  if (node.envFormat) {
    const envFormat = node.envFormat.replace(/(?<=e\.g\. )(.+)$/, (example) => code(example))
    sentences.push(`In the environment: ${envFormat}.`)
  }
  if (doc.entries && doc.entries.length > 0) {
    const example = doc.entries.map((entry) => code(entry.replace(/^- /, ''))).join(', ')
    sentences.push(`For example ${example}.`)
  }
  let shown: string
  let block: string | undefined
  const byProfile = profileValueOf(node, profiles)
  if (byProfile) {
    shown = profileNames.map((name) => `${name} ${code(byProfile[name])}`).join(', ')
  } else if (node.value === undefined) {
    const unset = doc.unset ?? 'unset'
    shown = unset.length <= CELL_WIDTH ? unset : 'see below'
    if (unset.length > CELL_WIDTH) sentences.push(`Default: ${prose(unset)}.`)
  } else if (flow(node.value, unit).length <= CELL_WIDTH) {
    shown = code(flow(node.value, unit))
  } else {
    shown = 'see below'
    sentences.push('Default:')
    const yaml = stringify({ [node.key]: node.value })
      .trimEnd()
      .replaceAll(/^/gm, '  ')
    block = ['  ```yaml', yaml, '  ```'].join('\n')
  }
  const row = [code(dotted), node.env.map(code).join(', '), typeOf(node.described), shown]
  const item = `- ${code(dotted)}: ${sentences.join(' ')}`
  return {
    row: `| ${row.map(cell).join(' | ')} |`,
    item: block === undefined ? item : `${item}\n\n${block}`,
  }
}

function renderTable(settings: readonly LeafNode[], profiles: ProfileValues): string[] {
  const rendered = settings.map((node) => renderSetting(node, profiles))
  return [
    '| Setting | Environment variable | Type | Default |',
    '| --- | --- | --- | --- |',
    ...rendered.map(({ row }) => row),
    '',
    ...rendered.map(({ item }) => item),
  ]
}

/** A section's own settings in one table, then each nested section under its own heading. */
function renderSection(section: SectionNode, level: number, profiles: ProfileValues): string[] {
  const heading = `${'#'.repeat(level)} ${code(section.path.join('.'))}`
  const lines = [heading, '', prose(section.description), '']
  const settings = section.children.filter((node): node is LeafNode => node.kind === 'setting')
  if (settings.length > 0) lines.push(...renderTable(settings, profiles), '')
  for (const child of section.children) {
    if (child.kind === 'section') lines.push(...renderSection(child, level + 1, profiles))
  }
  return lines
}

function renderProfiles(profiles: ProfileValues): string[] {
  const rows = settingTree().flatMap(function leaves(node): LeafNode[] {
    return node.kind === 'section' ? node.children.flatMap(leaves) : [node]
  })
  const lines = [
    '## Profiles',
    '',
    `The profile supplies these settings unless the file or the environment sets them. Every other setting has the same value under every profile: its default. \`balanced\` is the feature packages' own defaults.`,
    '',
    `| Setting | ${profileNames.join(' | ')} |`,
    `| --- | ${profileNames.map(() => '---').join(' | ')} |`,
  ]
  for (const node of rows) {
    const values = profileValueOf(node, profiles)
    if (!values) continue
    const row = [code(node.path.join('.')), ...profileNames.map((name) => code(values[name]))]
    lines.push(`| ${row.map(cell).join(' | ')} |`)
  }
  return lines
}

/**
 * The text of docs/configuration.md, formatted by Prettier with the repository's settings and
 * prose wrapped at its print width, so `prettier --check` accepts the committed file.
 */
export async function renderConfigurationDoc(): Promise<string> {
  const profiles = profileValues()
  const tree = settingTree()
  const general = tree.filter((node): node is LeafNode => node.kind === 'setting')
  const lines = [INTRO, ...renderProfiles(profiles), '', '## Settings', '']
  if (general.length > 0) lines.push(...renderTable(general, profiles), '')
  for (const node of tree) {
    if (node.kind === 'section') lines.push(...renderSection(node, 3, profiles))
  }
  const options = (await prettierConfig(CONFIGURATION_DOC)) ?? {}
  return format(lines.join('\n'), { ...options, filepath: CONFIGURATION_DOC, proseWrap: 'always' })
}
