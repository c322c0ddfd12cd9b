import type { OperationNode, TableNode } from 'kysely'

const WRITE_KINDS: Record<string, string> = {
  InsertQueryNode: 'into',
  UpdateQueryNode: 'table',
  DeleteQueryNode: 'from',
  MergeQueryNode: 'into',
}

/**
 * The tag under which cached reads of a table are invalidated.
 *
 * @example
 * // after a write the driver cannot see (a trigger, another service without a shared store)
 * await db.invalidate([tableTag('prices')])
 */
export function tableTag(table: string): string {
  return `table:${table}`
}

/**
 * Every table a query mentions, by bare name (schema dropped, so `public.prices` and `prices`
 * share a tag: over-invalidating is safe, missing one is not).
 */
export function tablesRead(node: OperationNode): string[] {
  const tables = new Set<string>()
  walk(node, (child) => {
    if (child.kind === 'TableNode') tables.add(tableName(child as TableNode))
  })
  return [...tables]
}

/**
 * The tables a statement writes: the targets of every insert / update / delete / merge node in
 * its tree (also inside CTEs). Raw SQL is matched by its leading keyword.
 */
export function tablesWritten(node: OperationNode, sql: string): string[] {
  if (node.kind === 'RawNode') return rawWriteTarget(sql)
  const tables = new Set<string>()
  walk(node, (child) => {
    const field = WRITE_KINDS[child.kind]
    if (field === undefined) return
    const target = (child as unknown as Record<string, unknown>)[field]
    if (target && typeof target === 'object') {
      walk(target as OperationNode, (inner) => {
        if (inner.kind === 'TableNode') tables.add(tableName(inner as TableNode))
      })
    }
  })
  return [...tables]
}

/** The kind of the first write node in a tree, or `undefined` for a pure read. */
export function firstWriteKind(node: OperationNode): string | undefined {
  let found: string | undefined
  walk(node, (child) => {
    if (found === undefined && WRITE_KINDS[child.kind] !== undefined) found = child.kind
  })
  return found
}

const RAW_WRITE =
  /^\s*(?:insert\s+into|update(?:\s+only)?|delete\s+from(?:\s+only)?|merge\s+into|truncate(?:\s+table)?(?:\s+only)?|copy)\s+((?:"(?:[^"]|"")+"|[\w$]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[\w$]+))?)/i

/** The target of a raw `INSERT INTO x`, `UPDATE x`, `DELETE FROM x`, `MERGE INTO x`, `TRUNCATE x` or `COPY x`. */
export function rawWriteTarget(sql: string): string[] {
  const match = RAW_WRITE.exec(sql)
  if (!match) return []
  const parts = match[1]!.split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/)
  const last = parts[parts.length - 1]!
  return [last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last.toLowerCase()]
}

function tableName(node: TableNode): string {
  return node.table.identifier.name
}

function walk(node: OperationNode, visit: (node: OperationNode) => void) {
  visit(node)
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) {
        if (isNode(item)) walk(item, visit)
      }
    } else if (isNode(value)) {
      walk(value, visit)
    }
  }
}

function isNode(value: unknown): value is OperationNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as OperationNode).kind === 'string'
  )
}
