import type { z } from 'zod'
import type { ConfigIssue } from '../errors.js'
import { configSchema } from './schema.js'
import { keysAt } from './schema-walk.js'
import { dottedPath } from './sources.js'
import type { SourceMap } from './sources.js'
import { closestName } from '@bi-perf/internal'

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'expected a mapping of settings',
  record: 'expected a mapping of settings',
  array: 'expected a list',
  string: 'expected a string',
  number: 'expected a number',
  int: 'must be an integer',
  boolean: 'expected true or false',
}

/**
 * The wording of zod's own issues (the field builders state their rules themselves). Never
 * quotes the input, which may be a secret.
 */
export const plainWords: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required'
      return EXPECTED[issue.expected] ?? `expected ${issue.expected}`
    case 'unrecognized_keys':
      return 'unknown key'
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}`
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`
    default:
      return 'is not valid'
  }
}

/**
 * Turns zod issues into ConfigIssues: dotted paths, one issue per unknown key (with the nearest
 * known key as a suggestion), the most telling branch of a failed union, and the source of each
 * offending value.
 */
export function toConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  sources: SourceMap,
  prefix: readonly PropertyKey[] = [],
): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = [...prefix, ...issue.path]
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(configSchema, path)
      return issue.keys.map((key) => {
        const closest = closestName(key, known)
        return {
          path: dottedPath([...path, key]),
          rule: closest === undefined ? 'unknown key' : `unknown key; did you mean ${closest}?`,
          source: sources.keySource([...path, key]),
        }
      })
    }
    if (issue.code === 'invalid_union') {
      // An alert rule is an object or `false`: when an object was given, what is wrong inside it
      // says more than "expected a rule or false".
      const telling = issue.errors.find((branch) => branch.some((inner) => !isWrongKind(inner)))
      if (telling) return toConfigIssues(telling, sources, path)
    }
    return [{ path: dottedPath(path), rule: issue.message, source: sources.valueSource(path) }]
  })
}

function isWrongKind(issue: z.core.$ZodIssue): boolean {
  return (
    issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value')
  )
}
