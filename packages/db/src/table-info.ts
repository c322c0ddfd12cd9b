import { CompiledQuery, type Kysely } from 'kysely'
import { InvalidArgumentError, MismatchedColumnsError, UnknownTableError } from './errors.js'
import type { Row } from './types.js'

/** A table's columns as the catalog reports them. */
export interface TableInfo {
  /** The table as SQL: `to_regclass(...)::text`, quoted and qualified exactly as needed. */
  sql: string
  /** Bare table name, the cache tag's. */
  name: string
  columns: Map<string, { type: string; isArray: boolean }>
}

/** Looks a table up in the catalog (search path applies), or throws `UnknownTableError`. */
export async function tableInfo(db: Kysely<unknown>, table: string): Promise<TableInfo> {
  if (typeof table !== 'string' || table.trim() === '') {
    throw new InvalidArgumentError('table', table, 'must be a non-empty table name')
  }
  const { rows } = await db.executeQuery<{
    regclass: string | null
    relname: string | null
    attname: string | null
    type: string | null
    dims: number | null
  }>(
    CompiledQuery.raw(
      `select r.oid::regclass::text as regclass, c.relname, a.attname,
              format_type(a.atttypid, a.atttypmod) as type, a.attndims as dims
         from (select to_regclass($1) as oid) r
         left join pg_class c on c.oid = r.oid
         left join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [table],
    ),
  )
  const first = rows[0]
  if (first?.regclass == null || first.relname == null) throw new UnknownTableError(table)
  const columns = new Map<string, { type: string; isArray: boolean }>()
  for (const row of rows) {
    if (row.attname === null || row.type === null) continue
    columns.set(row.attname, {
      type: row.type,
      isArray: Number(row.dims ?? 0) > 0 || row.type.endsWith('[]'),
    })
  }
  return { sql: first.regclass, name: first.relname, columns }
}

/**
 * The columns to load: `explicit` or the first row's keys, each of which must exist in the
 * table.
 */
export function loadColumns(
  info: TableInfo,
  table: string,
  first: Row,
  explicit?: readonly string[],
) {
  const columns = explicit ? [...explicit] : Object.keys(first)
  if (columns.length === 0) {
    throw new InvalidArgumentError('rows[0]', first, 'a row needs at least one column')
  }
  const unknown = columns.filter((column) => !info.columns.has(column))
  if (unknown.length > 0) {
    throw new MismatchedColumnsError(
      table,
      0,
      unknown,
      [],
      `the table has ${[...info.columns.keys()].join(', ')}`,
    )
  }
  return columns
}

/** Throws `MismatchedColumnsError` unless `row` has exactly `columns`. */
export function checkRow(table: string, row: Row, index: number, columns: readonly string[]) {
  if (typeof row !== 'object' || row === null) {
    throw new InvalidArgumentError(`rows[${index}]`, row, 'each row must be an object')
  }
  const keys = Object.keys(row)
  if (keys.length === columns.length && columns.every((column) => Object.hasOwn(row, column))) {
    return
  }
  throw new MismatchedColumnsError(
    table,
    index,
    keys.filter((key) => !columns.includes(key)),
    columns.filter((column) => !Object.hasOwn(row, column)),
    `every row must have the columns of the first: ${columns.join(', ')}`,
  )
}
