import { type CompiledQuery, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { compileOnlyKysely } from '../test/fixtures/compile-only-kysely.js'
import { readTags, writeTags } from './cache-scopes.js'

interface DB {
  prices: { id: number; product_id: number; price: number }
  products: { id: number; name: string }
}

const db = compileOnlyKysely<DB>()
const scopes = new Map([['prices', 'product_id']])
const written = (query: { compile(): CompiledQuery }) => {
  const compiled = query.compile()
  return writeTags(compiled.query, compiled.sql, scopes).sort()
}

describe('readTags', () => {
  it('narrows a scoped table filtered by equality to the value', () => {
    const query = db
      .selectFrom('prices')
      .select('price')
      .where('product_id', '=', 42)
      .where('price', '>', 1)
    expect(readTags(query.toOperationNode(), scopes).sort()).toEqual([
      'table:prices@*',
      'table:prices@product_id=42',
    ])
  })

  it('keeps qualified references in joins narrow and other tables table-wide', () => {
    const query = db
      .selectFrom('prices')
      .innerJoin('products', 'products.id', 'prices.product_id')
      .select('price')
      .where('prices.product_id', '=', 7)
    expect(readTags(query.toOperationNode(), scopes).sort()).toEqual([
      'table:prices@*',
      'table:prices@product_id=7',
      'table:products',
    ])
  })

  it.each([
    ['no filter', db.selectFrom('prices').select('price')],
    ['a range', db.selectFrom('prices').select('price').where('product_id', '>', 3)],
    [
      'an or',
      db
        .selectFrom('prices')
        .select('price')
        .where((eb) => eb.or([eb('product_id', '=', 1), eb('product_id', '=', 2)])),
    ],
    [
      'an unqualified column in a join',
      db
        .selectFrom('prices')
        .innerJoin('products', 'products.id', 'prices.product_id')
        .select('price')
        .where('product_id', '=', 1),
    ],
    [
      'a self join',
      db
        .selectFrom('prices')
        .where('product_id', '=', 1)
        .where('id', 'in', db.selectFrom('prices').select('id'))
        .select('price'),
    ],
  ])('falls back to the table tag for %s', (_label, query) => {
    expect(readTags(query.toOperationNode(), scopes)).toContain('table:prices')
  })
})

describe('writeTags', () => {
  it('narrows inserts to the inserted scope values', () => {
    const query = db.insertInto('prices').values([
      { id: 1, product_id: 5, price: 1 },
      { id: 2, product_id: 6, price: 1 },
    ])
    expect(written(query)).toEqual([
      'table:prices',
      'table:prices@product_id=5',
      'table:prices@product_id=6',
    ])
  })

  it('narrows updates and deletes filtered by the scope column', () => {
    expect(written(db.updateTable('prices').set({ price: 2 }).where('product_id', '=', 9))).toEqual(
      ['table:prices', 'table:prices@product_id=9'],
    )
    expect(written(db.deleteFrom('prices').where('product_id', '=', 9))).toEqual([
      'table:prices',
      'table:prices@product_id=9',
    ])
  })

  it.each([
    [
      'an upsert',
      db
        .insertInto('prices')
        .values({ id: 1, product_id: 5, price: 1 })
        .onConflict((oc) => oc.column('id').doUpdateSet({ price: 2 })),
    ],
    [
      'an update of the scope column',
      db.updateTable('prices').set({ product_id: 3 }).where('product_id', '=', 9),
    ],
    ['a delete without the filter', db.deleteFrom('prices').where('price', '<', 1)],
    ['raw SQL', sql`delete from prices where product_id = ${1}`],
  ])('invalidates every scope for %s', (_label, query) => {
    const compiled =
      'toOperationNode' in query && !('as' in query) ? query.compile() : query.compile(db)
    expect(writeTags(compiled.query, compiled.sql, scopes).sort()).toEqual([
      'table:prices',
      'table:prices@*',
    ])
  })

  it('leaves unscoped tables at the table tag', () => {
    expect(written(db.deleteFrom('products').where('id', '=', 1))).toEqual(['table:products'])
  })
})
