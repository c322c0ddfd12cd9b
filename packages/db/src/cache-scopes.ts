import type { OperationNode } from 'kysely'
import { rawWriteTarget, tableTag } from './query-tables.js'

/** `cacheScopes`: table → the column whose equality narrows cache invalidation. */
export type Scopes = ReadonlyMap<string, string>

type Node = OperationNode & Record<string, unknown>

/** The tag of cached reads of one scope value, e.g. `table:prices@product_id=42`. */
export function scopeTag(table: string, column: string, value: unknown): string {
  return `${tableTag(table)}@${column}=${String(value)}`
}

/** The tag every scoped read of a table carries, invalidated by writes of unknown scope. */
export function anyScopeTag(table: string): string {
  return `${tableTag(table)}@*`
}

/**
 * Tags of a cached select. A table with a scope column, mentioned once, filtered by
 * `column = value` at the top level of the where clause, gets the value's tag (plus the
 * any-scope tag); every other table gets its table tag.
 */
export function readTags(node: OperationNode, scopes: Scopes): string[] {
  const counts = new Map<string, number>()
  // Column qualifiers (`prices.product_id`) hold TableNodes too; only sources count.
  walk(node as Node, (child) => {
    if (child.kind === 'TableNode') {
      const name = tableName(child)
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
  })
  const tags: string[] = []
  for (const [table, count] of counts) {
    const column = scopes.get(table)
    const value =
      column !== undefined && count === 1
        ? equalityValue((node as Node).where as Node | undefined, table, column, counts.size === 1)
        : undefined
    if (value === undefined) tags.push(tableTag(table))
    else tags.push(scopeTag(table, column!, value.value), anyScopeTag(table))
  }
  return tags
}

/**
 * Tags a write invalidates: the table tag of every target, plus, for scoped tables, the tags of
 * the scope values it provably touches, or the any-scope tag when it cannot tell.
 */
export function writeTags(node: OperationNode, sql: string, scopes: Scopes): string[] {
  const tags = new Set<string>()
  if (node.kind === 'RawNode') {
    for (const table of rawWriteTarget(sql)) {
      tags.add(tableTag(table))
      if (scopes.has(table)) tags.add(anyScopeTag(table))
    }
    return [...tags]
  }
  walk(node as Node, (child) => {
    const target = writeTarget(child)
    if (target === undefined) return
    tags.add(tableTag(target))
    const column = scopes.get(target)
    if (column === undefined) return
    const values = scopeValues(child, target, column)
    if (values === undefined) tags.add(anyScopeTag(target))
    else for (const value of values) tags.add(scopeTag(target, column, value))
  })
  return [...tags]
}

function writeTarget(node: Node): string | undefined {
  let table: Node | undefined
  if (node.kind === 'InsertQueryNode' || node.kind === 'MergeQueryNode') table = node.into as Node
  else if (node.kind === 'UpdateQueryNode') table = node.table as Node
  else if (node.kind === 'DeleteQueryNode') {
    const froms = (node.from as Node | undefined)?.froms as Node[] | undefined
    if (froms?.length !== 1) return firstTable(node.from as Node | undefined)
    table = froms[0]
  } else return undefined
  return firstTable(table)
}

function scopeValues(node: Node, table: string, column: string): unknown[] | undefined {
  if (node.kind === 'InsertQueryNode') {
    // An upsert may rewrite an existing row of any scope.
    if (node.onConflict !== undefined) return undefined
    const columns = (node.columns as Node[] | undefined) ?? []
    const index = columns.findIndex((col) => (col.column as Node).name === column)
    const values = node.values as Node | undefined
    if (index === -1 || values?.kind !== 'ValuesNode') return undefined
    const found: unknown[] = []
    for (const item of values.values as Node[]) {
      if (item.kind === 'PrimitiveValueListNode') found.push((item.values as unknown[])[index])
      else if (item.kind === 'ValueListNode') {
        const value = (item.values as Node[])[index]
        if (value?.kind !== 'ValueNode') return undefined
        found.push(value.value)
      } else return undefined
    }
    return found
  }
  if (node.kind === 'UpdateQueryNode' || node.kind === 'DeleteQueryNode') {
    const updates = (node.updates as Node[] | undefined) ?? []
    if (updates.some((update) => (update.column as Node | undefined)?.kind !== 'ColumnNode')) {
      return undefined
    }
    if (updates.some((update) => ((update.column as Node).column as Node).name === column)) {
      return undefined
    }
    const match = equalityValue(node.where as Node | undefined, table, column, true)
    return match === undefined ? undefined : [match.value]
  }
  return undefined
}

/** `column = value` at the top level of a where clause (through `and` and parentheses). */
function equalityValue(
  where: Node | undefined,
  table: string,
  column: string,
  allowUnqualified: boolean,
): { value: unknown } | undefined {
  if (where === undefined) return undefined
  if (where.kind === 'WhereNode')
    return equalityValue(where.where as Node, table, column, allowUnqualified)
  if (where.kind === 'ParensNode')
    return equalityValue(where.node as Node, table, column, allowUnqualified)
  if (where.kind === 'AndNode') {
    return (
      equalityValue(where.left as Node, table, column, allowUnqualified) ??
      equalityValue(where.right as Node, table, column, allowUnqualified)
    )
  }
  if (where.kind !== 'BinaryOperationNode') return undefined
  const operator = where.operator as Node
  const left = where.leftOperand as Node
  const right = where.rightOperand as Node
  if (operator.operator !== '=' || left.kind !== 'ReferenceNode' || right.kind !== 'ValueNode') {
    return undefined
  }
  const reference = left.column as Node
  if (reference.kind !== 'ColumnNode' || (reference.column as Node).name !== column)
    return undefined
  const qualifier = left.table as Node | undefined
  if (qualifier === undefined ? !allowUnqualified : tableName(qualifier) !== table) return undefined
  return right.value === null || right.value === undefined ? undefined : { value: right.value }
}

function firstTable(node: Node | undefined): string | undefined {
  let found: string | undefined
  if (node) {
    walk(node, (child) => {
      if (found === undefined && child.kind === 'TableNode') found = tableName(child)
    })
  }
  return found
}

function tableName(node: Node): string {
  return ((node.table as Node).identifier as Node).name as string
}

function walk(node: Node, visit: (node: Node) => void) {
  visit(node)
  if (node.kind === 'ReferenceNode') return
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit)
    } else if (isNode(value)) {
      walk(value, visit)
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).kind === 'string'
}
