import { z } from 'zod'

/**
 * How an environment variable's string becomes a setting's value:
 * - `string`: as it is (strings and enums);
 * - `number`: a decimal number;
 * - `number-or-string`: durations and byte sizes, a bare number as a number, else the string;
 * - `boolean`: `true/false/1/0/yes/no`;
 * - `list`: comma-separated;
 * - `json`: a JSON object (record-valued settings such as `cache.namespaces`).
 */
export type LeafKind = 'string' | 'number' | 'number-or-string' | 'boolean' | 'list' | 'json'

/** One setting of the schema: its path segments and how to read it from a string. */
export interface SchemaLeaf {
  path: readonly string[]
  kind: LeafKind
  /** The `.describe()` text, when the schema gives one. */
  description?: string
}

/**
 * Every setting (leaf) of an object schema, depth first in declaration order. Objects are walked
 * into; records and arrays are leaves, since one value sets them whole.
 */
export function schemaLeaves(schema: z.ZodType, path: readonly string[] = []): SchemaLeaf[] {
  const inner = unwrap(schema)
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, field]) =>
      schemaLeaves(field, [...path, key]),
    )
  }
  const description = describedBy(schema)
  return [{ path, kind: leafKind(inner), ...(description === undefined ? {} : { description }) }]
}

/**
 * The keys an object at `path` may have, e.g. `['enabled', 'maxEntries', …]` for `cache.l1`,
 * walking through records (any key) and unions (their object option). Empty when the path does
 * not lead to an object.
 */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema)
  for (const segment of path) {
    if (current instanceof z.ZodObject) {
      const field: z.ZodType | undefined = (current.shape as Record<string, z.ZodType>)[
        String(segment)
      ]
      current = field && unwrap(field)
    } else if (current instanceof z.ZodRecord) {
      current = unwrap(current.valueType as z.ZodType)
    } else if (current instanceof z.ZodArray) {
      current = unwrap(current.element as z.ZodType)
    } else {
      return []
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : []
}

/** The value schema under defaults, optionals, transforms and unions of one object. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType
    } else if (current instanceof z.ZodUnion) {
      const objects = (current.options as z.ZodType[]).filter(
        (option) => unwrap(option) instanceof z.ZodObject,
      )
      if (objects.length !== 1) return current
      current = objects[0]!
    } else {
      return current
    }
  }
}

function leafKind(schema: z.ZodType): LeafKind {
  if (schema instanceof z.ZodNumber) return 'number'
  if (schema instanceof z.ZodBoolean) return 'boolean'
  if (schema instanceof z.ZodArray) return 'list'
  if (schema instanceof z.ZodRecord) return 'json'
  if (
    schema instanceof z.ZodUnion &&
    (schema.options as z.ZodType[]).some((option) => option instanceof z.ZodNumber)
  ) {
    return 'number-or-string'
  }
  return 'string'
}

/** The first description on the way down from the outermost wrapper. */
function describedBy(schema: z.ZodType): string | undefined {
  let current: z.ZodType | undefined = schema
  while (current) {
    if (current.description !== undefined) return current.description
    current =
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
        ? (current.unwrap() as z.ZodType)
        : undefined
  }
  return undefined
}
