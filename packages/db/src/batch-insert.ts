import { CompiledQuery, type Kysely } from 'kysely'
import { InvalidArgumentError } from './errors.js'
import { checkRow, loadColumns, tableInfo, type TableInfo } from './table-info.js'
import { quoteIdentifier } from './tracked-connection.js'
import type { BatchInsertOptions, BatchInsertResult, Row } from './types.js'

/** PostgreSQL's bind-parameter limit per statement (the wire protocol's Int16 count). */
export const MAX_PARAMETERS = 65_535
const DEFAULT_UNNEST_CHUNK = 10_000
const DEFAULT_VALUES_CHUNK = 5_000

/**
 * Inserts rows in chunks inside one transaction. The statements go through `db.kysely`, so the
 * table's cached reads are invalidated after the commit.
 */
export async function batchInsert(
  db: Kysely<unknown>,
  table: string,
  rows: readonly Row[],
  options: BatchInsertOptions = {},
): Promise<BatchInsertResult> {
  const list: unknown = rows
  if (!Array.isArray(list)) {
    throw new InvalidArgumentError('rows', rows, 'must be an array of row objects')
  }
  if (rows.length === 0) {
    throw new InvalidArgumentError('rows', rows, 'is empty; pass at least one row')
  }
  const info = await tableInfo(db, table)
  const columns = loadColumns(info, table, rows[0]!)
  for (let index = 0; index < rows.length; index++) checkRow(table, rows[index]!, index, columns)
  const conflict = conflictClause(info, table, columns, options)

  const wanted = options.strategy ?? 'unnest'
  if (wanted !== 'unnest' && wanted !== 'values') {
    throw new InvalidArgumentError('options.strategy', wanted, "must be 'unnest' or 'values'")
  }
  const strategy =
    wanted === 'unnest' && columns.some((c) => info.columns.get(c)!.isArray) ? 'values' : wanted
  const limit = strategy === 'values' ? Math.floor(MAX_PARAMETERS / columns.length) : Infinity
  const requested =
    options.chunkSize ?? (strategy === 'values' ? DEFAULT_VALUES_CHUNK : DEFAULT_UNNEST_CHUNK)
  if (!Number.isSafeInteger(requested) || requested <= 0) {
    throw new InvalidArgumentError('options.chunkSize', requested, 'must be a positive integer')
  }
  const chunkSize = Math.min(requested, limit)
  const target = `${info.sql} (${columns.map(quoteIdentifier).join(', ')})`

  let inserted = 0
  let chunks = 0
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize)
      const query =
        strategy === 'unnest'
          ? unnestInsert(info, target, columns, chunk, conflict)
          : valuesInsert(target, columns, chunk, conflict)
      const result = await trx.executeQuery(query)
      inserted += Number(result.numAffectedRows ?? 0n)
      chunks++
    }
  })
  return { rows: inserted, chunks, strategy }
}

function unnestInsert(
  info: TableInfo,
  target: string,
  columns: readonly string[],
  rows: readonly Row[],
  conflict: string,
): CompiledQuery {
  const arrays = columns.map((column) => {
    const json = isJson(info.columns.get(column)!.type)
    return rows.map((row) => prepare(row[column], json))
  })
  const casts = columns.map((column, index) => `$${index + 1}::${info.columns.get(column)!.type}[]`)
  return CompiledQuery.raw(
    `insert into ${target} select * from unnest(${casts.join(', ')})${conflict}`,
    arrays,
  )
}

function valuesInsert(
  target: string,
  columns: readonly string[],
  rows: readonly Row[],
  conflict: string,
): CompiledQuery {
  const parameters: unknown[] = []
  const tuples: string[] = []
  for (const row of rows) {
    const slots: string[] = []
    for (const column of columns) {
      parameters.push(prepare(row[column], false))
      slots.push(`$${parameters.length}`)
    }
    tuples.push(`(${slots.join(', ')})`)
  }
  return CompiledQuery.raw(
    `insert into ${target} values ${tuples.join(', ')}${conflict}`,
    parameters,
  )
}

function conflictClause(
  info: TableInfo,
  table: string,
  columns: readonly string[],
  options: BatchInsertOptions,
): string {
  const conflict = options.onConflict
  if (conflict === undefined) return ''
  const target: unknown = conflict.columns
  if (!Array.isArray(target) || target.length === 0) {
    throw new InvalidArgumentError(
      'options.onConflict.columns',
      conflict.columns,
      'must name the columns of a unique index or primary key',
    )
  }
  for (const column of [...conflict.columns, ...(conflict.update ?? [])]) {
    if (!info.columns.has(column)) {
      throw new InvalidArgumentError(
        'options.onConflict',
        column,
        `is not a column of table "${table}"`,
      )
    }
  }
  const targetColumns = `(${conflict.columns.map(quoteIdentifier).join(', ')})`
  const action = conflict.action ?? 'update'
  if (action !== 'update' && action !== 'nothing') {
    throw new InvalidArgumentError(
      'options.onConflict.action',
      action,
      "must be 'update' or 'nothing'",
    )
  }
  const update = conflict.update ?? columns.filter((column) => !conflict.columns.includes(column))
  if (action === 'nothing' || update.length === 0) return ` on conflict ${targetColumns} do nothing`
  const sets = update.map(
    (column) => `${quoteIdentifier(column)} = excluded.${quoteIdentifier(column)}`,
  )
  return ` on conflict ${targetColumns} do update set ${sets.join(', ')}`
}

function isJson(type: string): boolean {
  return type === 'json' || type === 'jsonb'
}

/** Values the drivers do not serialize the way Postgres wants inside arrays. */
function prepare(value: unknown, json: boolean): unknown {
  if (value === undefined) return null
  if (typeof value === 'bigint') return value.toString()
  if (json && value !== null && typeof value !== 'string') return JSON.stringify(value)
  return value
}
