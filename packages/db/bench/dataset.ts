import type { Generated } from 'kysely'
import pg from 'pg'

export interface BenchDB {
  products: { id: number; name: string; category: string; region: string }
  stores: { id: number; region: string }
  prices: {
    id: Generated<string>
    product_id: number
    store_id: number
    price: string
    volume: number
    at: Date
  }
  loads: { id: number; product_id: number; price: string; note: string; at: Date }
}

export const PRODUCTS = 1000
export const PRICE_ROWS = 1_000_000

/** Generates the BI dataset inside Postgres with generate_series; returns the seconds it took. */
export async function createDataset(url: string, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const started = performance.now()
  try {
    await client.query(`create schema ${schema}; set search_path to ${schema};
      create table products (id int primary key, name text not null, category text not null, region text not null);
      create table stores (id int primary key, region text not null);
      create table prices (
        id bigserial primary key, product_id int not null, store_id int not null,
        price numeric(12, 2) not null, volume int not null, at timestamptz not null);
      create table loads (id int not null, product_id int not null, price numeric(12, 2) not null, note text not null, at timestamptz not null);
      insert into products select g, 'product ' || g, 'category ' || (g % 20), 'region ' || (g % 5)
        from generate_series(1, ${PRODUCTS}) g;
      insert into stores select g, 'region ' || (g % 5) from generate_series(1, 50) g;
      insert into prices (product_id, store_id, price, volume, at)
        select 1 + (g % ${PRODUCTS}), 1 + (g % 50), round((10 + (g % 997) / 10.0)::numeric, 2),
               1 + (g % 17), timestamptz '2026-01-01' + (g * interval '30 seconds')
          from generate_series(1, ${PRICE_ROWS}) g;
      create index on prices (product_id);
      create index on prices (at);
      analyze;`)
  } finally {
    await client.end()
  }
  return (performance.now() - started) / 1000
}

export async function dropDataset(url: string, schema: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`drop schema if exists ${schema} cascade`)
  } finally {
    await client.end()
  }
}
