import type { Hook } from '@hono/zod-openapi'
import { errorBody } from './errors.js'

/** One broken rule of a request: where (`body.tags.0`, `query.priority`) and what. */
export interface ValidationIssue {
  path: string
  rule: string
}

interface ZodIssueLike {
  path: readonly PropertyKey[]
  message: string
  code?: string
  keys?: readonly string[]
}

/**
 * The zod-openapi `defaultHook`: a failed validation becomes a 400 with every broken rule, each
 * naming its field (`body.pattern`) and the rule, never the rejected value (it may be a secret).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the hook is shared by routes of every input shape
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (result.success) return undefined
  const issues = describeIssues(result.target, result.error.issues)
  return c.json(
    errorBody(
      'E_API_VALIDATION',
      `invalid request: ${issues.map((issue) => issue.path).join(', ')}`,
      issues,
    ),
    400,
  )
}

/** Flattens zod issues to `{ path, rule }`; an unknown key is reported at its own path. */
export function describeIssues(target: string, issues: readonly ZodIssueLike[]): ValidationIssue[] {
  const described: ValidationIssue[] = []
  // Callers know `body`, not hono's `json` / `form` validation targets.
  const where = target === 'json' || target === 'form' ? 'body' : target
  for (const issue of issues) {
    const base = [where, ...issue.path.map(String)]
    if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
      for (const key of issue.keys)
        described.push({ path: [...base, key].join('.'), rule: 'is not allowed' })
      continue
    }
    described.push({ path: base.join('.'), rule: issue.message })
  }
  return described
}
