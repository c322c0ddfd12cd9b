import { flow, settingTree, type LeafNode, type SettingNode } from './config-settings.js'

// Renders bi-perf.example.yaml from the configuration schema (walked by config-settings.ts):
// every setting with its description, default (the parsed schema's, so a package default shows
// as it is applied), environment variable and unit. scripts/write-example-config.ts writes it;
// test/config-example.test.ts checks that the committed file is what this renders.

const WIDTH = 100

const HEADER = `# bi-perf configuration: every setting, with what it does, its default, its environment
# variable and its unit. Copy to bi-perf.yaml and keep only what you change.
# Generated from the configuration schema (packages/core/src/config/schema.ts) by
# \`pnpm --filter @bi-perf/core example-config\`; edit the schema, not this file.
#
# Where settings come from, later winning setting by setting:
#   built-in defaults  <  this file  <  environment variables
# The file is the one given to loadConfig({ file }) (or the CLI's --config), else the path in
# BI_PERF_CONFIG, else ./bi-perf.yaml when it exists.
#
# Environment variable names: BI_PERF_ followed by the setting's path, each camelCase segment
# split into words, in upper snake case, joined by "_":
#   cache.l1.maxBytes -> BI_PERF_CACHE_L1_MAX_BYTES
# Exceptions, for names other tools already use: REDIS_URL, REDIS_CLUSTER_NODES, DATABASE_URL,
# PORT, HOST, BI_PERF_LOG_LEVEL, BI_PERF_LOG_FORMAT, BI_PERF_JWT_SECRET,
# BI_PERF_JWT_PREVIOUS_SECRETS, BI_PERF_JWT_PUBLIC_KEY, BI_PERF_JWKS_URL.
# In the environment booleans are true/false/1/0/yes/no, lists are comma-separated, mappings are
# JSON, and an empty variable counts as unset. BI_PERF_CONFIG, BI_PERF_URL and BI_PERF_TOKEN are
# reserved; any other unknown BI_PERF_ variable, like any unknown key in this file, is an error.
#
# Units: durations are milliseconds or a number with a unit ms, s, m, h or d ('30s', '5m').
# Sizes are bytes or a number with a unit B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB
# (powers of 1024), e.g. '64MiB'.
#
# Settings shown commented out have no fixed default: the active profile (balanced unless set)
# or the package named supplies them. A key with no value (e.g. "pool:" with everything below it
# commented out) counts as unset.
`

/**
 * Comment lines of `text` at `indent`, wrapped at {@link WIDTH} columns; a no-break space keeps
 * two words on one line.
 */
function comment(text: string, indent: string): string[] {
  const prefix = `${indent}# `
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && prefix.length + line.length + 1 + word.length > WIDTH) {
      lines.push(prefix + line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(prefix + line)
  return lines.map((each) => each.replaceAll('\u00a0', ' '))
}

function renderSetting(node: LeafNode, indent: string): string[] {
  const { key, value, described, envFormat } = node
  const { doc, unit } = described
  const shown = value === undefined ? (doc.unset ?? 'unset') : flow(value, unit)
  const units = unit === undefined ? '' : ` Unit: ${unit}.`
  // A short default stays whole on one line: `Default: 30s (@bi-perf/db).`
  const whole = shown.length <= 30 ? shown.replaceAll(' ', '\u00a0') : shown
  const about = `${doc.description ?? ''} Default:\u00a0${whole}.`
  const where = `Env: ${node.env.join(', ')}${envFormat ? ` (${envFormat})` : ''}.${units}`
  // Short settings keep everything on one line; longer ones start the variable on its own.
  const oneLine = comment(`${about} ${where}`, indent)
  const lines =
    oneLine.length === 1 ? oneLine : [...comment(about, indent), ...comment(where, indent)]
  if (value !== undefined) {
    lines.push(`${indent}${key}: ${flow(value, unit)}`)
  } else if (typeof doc.example === 'string' && doc.example.includes('\n')) {
    // A multi-line value (a PEM key) as a block, every line commented out.
    lines.push(`${indent}# ${key}: |`)
    for (const line of doc.example.trimEnd().split('\n')) lines.push(`${indent}#   ${line}`)
  } else {
    lines.push(`${indent}# ${key}: ${flow(doc.example, unit)}`)
  }
  for (const entry of doc.entries ?? []) lines.push(`${indent}#   ${entry}`)
  return lines
}

function renderNodes(nodes: readonly SettingNode[], depth: number): string[] {
  const indent = '  '.repeat(depth)
  const lines: string[] = []
  for (const node of nodes) {
    if (depth === 0) lines.push('')
    if (node.kind === 'section') {
      lines.push(...comment(node.description, indent), `${indent}${node.key}:`)
      lines.push(...renderNodes(node.children, depth + 1))
    } else {
      lines.push(...renderSetting(node, indent))
    }
  }
  return lines
}

/** The text of bi-perf.example.yaml. */
export function renderExampleConfig(): string {
  const body = renderNodes(settingTree(), 0)
  return `${HEADER}${body.join('\n')}\n`
}
