import fc from 'fast-check'
import type { JsonSchema } from './openapi-document.js'

/** Follows `$ref` and merges `allOf` (see `schemaResolver`). */
export type Resolve = (schema: JsonSchema) => JsonSchema

/** Strings that break naive lookups, parsers and routers. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '\u0000',
  '%',
  '%00',
  '%zz',
  '../../etc/passwd',
  '..%2F..%2F',
  '*',
  '*a*a*a*a*ab',
  '[',
  '\\',
  '"',
  "'; DROP TABLE demo_companies; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '\ud800',
  '😀'.repeat(40),
  'a\u0301'.repeat(40),
  'NaN',
  '-1',
  '1e999',
  'null',
  'true',
] as const

/** A JSON value of every type, for "wrong type" cases. */
const ANY_TYPE: readonly { type: string; value: unknown }[] = [
  { type: 'null', value: null },
  { type: 'boolean', value: true },
  { type: 'integer', value: 0 },
  { type: 'integer', value: -1 },
  { type: 'number', value: 1.5 },
  { type: 'string', value: 'x' },
  { type: 'string', value: '' },
  { type: 'array', value: [] },
  { type: 'array', value: [1, 'a', null] },
  { type: 'object', value: {} },
  { type: 'object', value: { a: 1 } },
]

function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) return []
  return Array.isArray(schema.type) ? schema.type : [schema.type]
}

/** Values a schema accepts: its `example`, its enum, or values built from its keywords. */
export function validValue(raw: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  const schema = resolve(raw)
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum)
  const types = typesOf(schema)
  const generated =
    types.length === 0
      ? fc.jsonValue({ maxDepth: 2 })
      : fc.oneof(...types.map((type) => validOfType(type, schema, resolve)))
  // The example often is the one value that reaches the handler's happy path (a profile name).
  return 'example' in schema
    ? fc.oneof({ arbitrary: fc.constant(schema.example), weight: 1 }, generated)
    : generated
}

function validOfType(type: string, schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string': {
      const min = schema.minLength ?? 0
      const max = schema.maxLength ?? Number.MAX_SAFE_INTEGER
      const fits = (value: string) => value.length >= min && value.length <= max
      if (schema.pattern !== undefined)
        return fc.stringMatching(new RegExp(schema.pattern)).filter(fits)
      const constraints = { minLength: min, maxLength: Math.max(min, Math.min(max, 40)) }
      return fc
        .oneof(fc.string(constraints), fc.string({ ...constraints, unit: 'grapheme' }))
        .filter(fits)
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -(2 ** 31), max: schema.maximum ?? 2 ** 31 - 1 })
    case 'number':
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        ...(schema.minimum === undefined ? {} : { min: schema.minimum }),
        ...(schema.maximum === undefined ? {} : { max: schema.maximum }),
      })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(schema.items ? validValue(schema.items, resolve) : fc.jsonValue(), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
      })
    case 'object':
      return validObject(schema, resolve)
    default:
      throw new Error(`the fuzz cannot generate JSON Schema type ${type}; teach it`)
  }
}

function validObject(schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {}
  if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
    return fc.dictionary(
      fc.string({ maxLength: 10 }),
      validValue(schema.additionalProperties, resolve),
      {
        maxKeys: 3,
      },
    )
  }
  const fields: Record<string, fc.Arbitrary<unknown>> = {}
  for (const [name, property] of Object.entries(properties))
    fields[name] = validValue(property, resolve)
  return fc.record(fields, { requiredKeys: schema.required ?? [] })
}

/** Values at and just past each limit of a schema: lengths, bounds, item counts, enum look-alikes. */
export function boundaryValue(raw: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  const schema = resolve(raw)
  if (Array.isArray(schema.enum)) {
    const texts = schema.enum.filter((value): value is string => typeof value === 'string')
    return fc.constantFrom(
      ...schema.enum,
      ...texts.flatMap((value) => [
        value.toUpperCase(),
        ` ${value}`,
        `${value}\u0000`,
        `${value},`,
      ]),
    )
  }
  const cases = typesOf(schema).map((type) => boundaryOfType(type, schema, resolve))
  return cases.length === 0
    ? fc.constantFrom(...ANY_TYPE.map((entry) => entry.value))
    : fc.oneof(...cases)
}

function boundaryOfType(type: string, schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string': {
      const min = schema.minLength ?? 0
      const lengths = [min, min - 1, schema.maxLength, (schema.maxLength ?? 1000) + 1, 0]
      return fc.oneof(
        fc
          .constantFrom(...new Set(lengths.filter((n): n is number => n !== undefined && n >= 0)))
          .map((length) => 'a'.repeat(length)),
        fc.constantFrom(...HOSTILE_STRINGS),
      )
    }
    case 'integer':
    case 'number': {
      const { minimum: min, maximum: max } = schema
      const limits = [
        min,
        max,
        min === undefined ? undefined : min - 1,
        max === undefined ? undefined : max + 1,
      ]
      return fc.constantFrom(
        ...new Set([
          ...limits.filter((n): n is number => n !== undefined),
          0,
          -0,
          -1,
          0.5,
          2 ** 53,
          -(2 ** 53),
          1e308,
          Number.MIN_VALUE,
        ]),
      )
    }
    case 'array': {
      const item = schema.items
        ? fc.oneof(validValue(schema.items, resolve), boundaryValue(schema.items, resolve))
        : fc.jsonValue()
      const lengths = [0, schema.maxItems ?? 10, (schema.maxItems ?? 10) + 1]
      return fc
        .constantFrom(...lengths)
        .chain((length) => fc.array(item, { minLength: length, maxLength: length }))
    }
    case 'object': {
      const fields: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        fields[name] = fc.oneof(validValue(property, resolve), boundaryValue(property, resolve))
      return fc.record(fields, { requiredKeys: schema.required ?? [] })
    }
    default:
      return validOfType(type, schema, resolve)
  }
}

/** JSON values of the types the schema does not allow (none for a schema without `type`). */
export function wrongTypeValues(raw: JsonSchema, resolve: Resolve): unknown[] {
  const types = typesOf(resolve(raw))
  if (types.length === 0) return []
  const allowed = (type: string) =>
    types.includes(type) || (type === 'integer' && types.includes('number'))
  return ANY_TYPE.filter((entry) => !allowed(entry.type)).map((entry) => entry.value)
}

/**
 * Objects that break a schema in one place: a field of the wrong type, an unknown field, a
 * missing required field, a huge string, a deeply nested value; or a non-object.
 */
export function malformedValue(raw: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  const schema = resolve(raw)
  const names = Object.keys(schema.properties ?? {})
  const base = validValue(schema, resolve)
  const cases: fc.Arbitrary<unknown>[] = [
    fc
      .tuple(base, fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }))
      .map(([value, key, extra]) => ({ ...(value as object), [key]: extra })),
  ]
  const wrong = wrongTypeValues(schema, resolve)
  if (wrong.length > 0) cases.push(fc.constantFrom(...wrong))
  const typed = names.filter((key) => wrongTypeValues(schema.properties![key]!, resolve).length > 0)
  if (typed.length > 0) {
    cases.push(
      fc
        .tuple(base, fc.constantFrom(...typed))
        .chain(([value, key]) =>
          fc
            .constantFrom(...wrongTypeValues(schema.properties![key]!, resolve))
            .map((wrong) => ({ ...(value as object), [key]: wrong })),
        ),
    )
  }
  if (names.length > 0) {
    const name = fc.constantFrom(...names)
    cases.push(
      fc
        .tuple(base, name, fc.constantFrom(300, 10_000, 200_000))
        .map(([value, key, length]) => ({ ...(value as object), [key]: 'x'.repeat(length) })),
      fc
        .tuple(base, name, fc.integer({ min: 50, max: 2_000 }))
        .map(([value, key, depth]) => ({ ...(value as object), [key]: nested(depth) })),
    )
  }
  if ((schema.required ?? []).length > 0) {
    cases.push(
      fc.tuple(base, fc.constantFrom(...schema.required!)).map(([value, key]) => {
        const copy = { ...(value as Record<string, unknown>) }
        delete copy[key]
        return copy
      }),
    )
  }
  return fc.oneof(...cases)
}

/** `[[[…]]]`, `depth` levels deep. */
export function nested(depth: number): unknown {
  let value: unknown = []
  for (let level = 1; level < depth; level++) value = [value]
  return value
}
