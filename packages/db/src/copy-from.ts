import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CompiledQuery, type Kysely } from 'kysely'
import { writeTags, type Scopes } from './cache-scopes.js'
import copyStreams from 'pg-copy-streams'
import { InvalidArgumentError } from './errors.js'
import type { PgSource } from './pg-source.js'
import type { QueryCache } from './query-cache.js'
import type { QueryRecorder } from './query-recorder.js'
import { checkRow, loadColumns, tableInfo } from './table-info.js'
import { quoteIdentifier } from './tracked-connection.js'
import type { CopyFromOptions, CopyFromResult, Row } from './types.js'

const FLUSH_BYTES = 64 * 1024

/**
 * `COPY table (columns) FROM STDIN` through pg-copy-streams, text format, fed by a generator so
 * memory stays flat for any row count. A bad row aborts the COPY, which loads nothing.
 */
export async function copyFrom(
  parts: {
    kysely: Kysely<unknown>
    source: PgSource
    cache: QueryCache
    recorder: QueryRecorder
    scopes: Scopes
  },
  table: string,
  rows: Iterable<Row> | AsyncIterable<Row>,
  options: CopyFromOptions = {},
): Promise<CopyFromResult> {
  const iterator = iterate(rows)
  const first = await iterator.next()
  if (first.done) throw new InvalidArgumentError('rows', rows, 'is empty; pass at least one row')
  const info = await tableInfo(parts.kysely, table)
  const columns = loadColumns(info, table, first.value, options.columns)
  const arrays = columns.map((column) => info.columns.get(column)!.isArray)
  const sql = `copy ${info.sql} (${columns.map(quoteIdentifier).join(', ')}) from stdin`

  async function* encode() {
    let buffer = ''
    let index = 0
    let next: IteratorResult<Row> = first
    while (!next.done) {
      const row = next.value
      checkRow(table, row, index++, columns)
      for (let column = 0; column < columns.length; column++) {
        if (column > 0) buffer += '\t'
        buffer += encodeValue(row[columns[column]!], arrays[column])
      }
      buffer += '\n'
      if (buffer.length >= FLUSH_BYTES) {
        yield buffer
        buffer = ''
      }
      next = await iterator.next()
    }
    if (buffer.length > 0) yield buffer
  }

  const backend = await parts.source.acquire()
  const started = performance.now()
  let failed: string | null = null
  try {
    const stream = backend.client.query(copyStreams.from(sql))
    await pipeline(Readable.from(encode(), { objectMode: false }), stream)
    const loaded = Number(stream.rowCount ?? 0)
    return { rows: loaded, method: 'copy' }
  } catch (error) {
    failed = (error as { code?: string }).code ?? (error as Error).name
    // A COPY interrupted half-way leaves the session in an unknown protocol state.
    backend.broken = true
    throw error
  } finally {
    parts.recorder.record(sql, performance.now() - started, failed)
    parts.source.release(backend)
    if (failed === null)
      await parts.cache.invalidate(writeTags(CompiledQuery.raw(sql).query, sql, parts.scopes))
  }
}

async function* iterateAsync<T>(rows: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  yield* rows
}

function iterate<T>(rows: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> {
  if (rows == null || (typeof rows !== 'object' && typeof rows !== 'function')) {
    throw new InvalidArgumentError(
      'rows',
      rows,
      'must be an array, an iterable or an async iterable of rows',
    )
  }
  if (!(Symbol.iterator in rows) && !(Symbol.asyncIterator in rows)) {
    throw new InvalidArgumentError(
      'rows',
      rows,
      'must be an array, an iterable or an async iterable of rows',
    )
  }
  return iterateAsync(rows)
}

const NEEDS_ESCAPE = /[\\\n\r\t]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** One value in COPY's text format. */
export function encodeValue(value: unknown, asArray = false): string {
  if (value === null || value === undefined) return '\\N'
  if (typeof value === 'string') return escape(value)
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 't' : 'f'
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString('hex')}`
  if (asArray && Array.isArray(value)) return escape(arrayLiteral(value))
  return escape(JSON.stringify(value))
}

function escape(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\n\r\t]/g, (char) => ESCAPES[char]!) : text
}

/** A PostgreSQL array literal, e.g. `{"a","b c",NULL}`. */
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL'
    if (Array.isArray(item)) return arrayLiteral(item)
    const text =
      item instanceof Date
        ? item.toISOString()
        : typeof item === 'string'
          ? item
          : typeof item === 'number' || typeof item === 'bigint' || typeof item === 'boolean'
            ? String(item)
            : JSON.stringify(item)
    return `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`
  })
  return `{${items.join(',')}}`
}
