import { randomUUID } from 'node:crypto'
import { sql, type Generated } from 'kysely'
import pg from 'pg'
import { postgresUrl } from '@bi-perf/test-services'
import { createDatabase, type Database, type DatabaseOptions } from '@bi-perf/db'

// The suite runs against the shared PostgreSQL (postgresUrl()); a missing server fails the tests,
// never skips them.

export type BackendName = 'postgres' | 'pglite'

export interface TestDB {
  prices: { id: Generated<number>; product_id: number; price: string; at: Date }
  products: { id: number; name: string; tags: string[] | null }
}

/** A schema no other run uses. */
export function uniqueName(label: string): string {
  return `bi_perf_${label}_${randomUUID().slice(0, 8)}`
}

/** Runs statements on a plain pg client, outside the code under test. */
export async function admin<T = unknown>(
  statement: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgresUrl() })
  await client.connect()
  try {
    return (await client.query(statement, parameters)).rows as T[]
  } finally {
    await client.end()
  }
}

export const TABLES = `
  create table prices (
    id serial primary key,
    product_id int not null,
    price numeric(12, 2) not null,
    at timestamptz not null default now()
  );
  create table products (id int primary key, name text not null, tags text[]);
`

/**
 * A database on a backend: on PostgreSQL in a fresh schema (the search path points at it), on
 * PGlite in memory. `dispose` closes it and drops the schema.
 */
export async function openDatabase(
  backend: BackendName,
  options: DatabaseOptions = {},
  { schema = uniqueName('test'), createTables = true } = {},
): Promise<{ db: Database<TestDB>; schema: string; dispose: () => Promise<void> }> {
  if (backend === 'postgres') {
    await admin(`create schema ${schema}`)
    if (createTables) await admin(`set search_path to ${schema}; ${TABLES}`)
    const db = createDatabase<TestDB>({ url: postgresUrl(), searchPath: schema, ...options })
    return {
      db,
      schema,
      dispose: async () => {
        await db.close()
        await admin(`drop schema ${schema} cascade`)
      },
    }
  }
  const db = createDatabase<TestDB>(options)
  if (createTables) {
    for (const statement of TABLES.split(';').filter((text) => text.trim())) {
      await sql.raw(statement).execute(db.kysely)
    }
  }
  return { db, schema, dispose: () => db.close() }
}

let nextId = 0
/** A product id no other test in this run uses, so cache keys never collide between tests. */
export function freshId(): number {
  nextId += 10_000
  return nextId
}
