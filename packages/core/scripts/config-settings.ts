import { z } from 'zod'
import { stringify } from 'yaml'
import { envVariableNames } from '../src/config/env.js'
import type { SettingDoc, SettingUnit } from '../src/config/fields.js'
import { configSchema } from '../src/config/schema.js'

// The walk of the configuration schema that both generated documents share: bi-perf.example.yaml
// (example-config.ts) and docs/configuration.md (configuration-doc.ts) render this tree, so they
// list the same settings with the same defaults, variables and units.

/** A setting's value schema under its wrappers, with the metadata found on the way down. */
export interface Described {
  inner: z.ZodType
  doc: Partial<SettingDoc>
  unit: SettingUnit | undefined
  /** The schema fills it when absent: a section that is always there, or a default. */
  filled: boolean
}

/** A group of settings that is always present, such as `cache.l1`. */
export interface SectionNode {
  kind: 'section'
  key: string
  path: readonly string[]
  description: string
  children: SettingNode[]
}

/** One setting, as a user writes it in the file. */
export interface LeafNode {
  kind: 'setting'
  key: string
  path: readonly string[]
  described: Described
  /** The parsed schema's default (so a package default shows as applied), or undefined. */
  value: unknown
  /** Its environment variables: its own, or those of its fields (`tasks.concurrency`). */
  env: readonly string[]
  /** How the variable is written when it is not a plain value: `comma-separated`, `JSON`… */
  envFormat: string
}

export type SettingNode = SectionNode | LeafNode

/** The value schema under its wrappers, with the metadata found on the way down. */
export function describe(schema: z.ZodType): Described {
  let current = schema
  const doc: Partial<SettingDoc> = {}
  let unit: SettingUnit | undefined
  let filled = false
  for (;;) {
    const meta = z.globalRegistry.get(current) as
      (Partial<SettingDoc> & { unit?: SettingUnit }) | undefined
    if (meta) {
      for (const [key, value] of Object.entries(meta)) {
        if (key === 'unit') unit ??= value as SettingUnit
        else (doc as Record<string, unknown>)[key] ??= value
      }
    }
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) filled = true
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType
    } else {
      return { inner: current, doc, unit, filled }
    }
  }
}

// No days: `24h` reads better than `1d`.
const DURATION_UNITS = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const

const SIZE_UNITS = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
] as const

/** A number of milliseconds or bytes in the largest unit that divides it, e.g. `30s`, `64MiB`. */
export function withUnit(value: number, unit: SettingUnit): string {
  if (value === 0) return '0'
  for (const [name, size] of unit === 'duration' ? DURATION_UNITS : SIZE_UNITS) {
    if (value % size === 0) return `${value / size}${name}`
  }
  return unit === 'duration' ? `${value}ms` : String(value)
}

/** A value as YAML in flow style: `bi-perf`, `[a, b]`, `{ min: 1, max: 10 }`. */
export function flow(value: unknown, unit?: SettingUnit): string {
  if (typeof value === 'number' && unit) return withUnit(value, unit)
  if (Array.isArray(value)) return `[${value.map((item) => flow(item)).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
    if (entries.length === 0) return '{}'
    return `{ ${entries.map(([key, item]) => `${key}: ${flow(item)}`).join(', ')} }`
  }
  return stringify(value).trimEnd()
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value
  for (const segment of path) current = (current as Record<string, unknown> | undefined)?.[segment]
  return current
}

/** The environment variables of a setting: its own, or those of its fields. */
function envOf(path: readonly string[], names: Record<string, string>): string[] {
  const dotted = path.join('.')
  const own = names[dotted]
  if (own) return [own]
  return Object.entries(names)
    .filter(([setting]) => setting.startsWith(`${dotted}.`))
    .map(([, name]) => name)
}

function walk(
  object: z.ZodObject,
  path: readonly string[],
  defaults: unknown,
  names: Record<string, string>,
): SettingNode[] {
  return Object.entries<z.ZodType>(object.shape).map(([key, field]): SettingNode => {
    const described = describe(field)
    const at = [...path, key]
    if (described.inner instanceof z.ZodObject && described.filled) {
      const description = described.doc.description ?? ''
      const children = walk(described.inner, at, defaults, names)
      return { kind: 'section', key, path: at, description, children }
    }
    const { inner, doc } = described
    const envFormat =
      doc.envFormat ??
      (inner instanceof z.ZodArray ? 'comma-separated' : inner instanceof z.ZodRecord ? 'JSON' : '')
    const value = valueAt(defaults, at)
    return { kind: 'setting', key, path: at, described, value, env: envOf(at, names), envFormat }
  })
}

/**
 * Every setting of the configuration schema in declaration order, sections (objects the schema
 * always fills) holding their settings. An object without a default, such as
 * `tasks.concurrency`, is one setting: a user sets it whole.
 */
export function settingTree(): SettingNode[] {
  return walk(configSchema, [], configSchema.parse({}), envVariableNames())
}
