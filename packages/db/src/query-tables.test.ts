import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { compileOnlyKysely } from '../test/fixtures/compile-only-kysely.js'
import {
  firstWriteKind,
  rawWriteTarget,
  tableTag,
  tablesRead,
  tablesWritten,
} from './query-tables.js'

interface DB {
  prices: { id: number; product_id: number; price: number }
  products: { id: number; name: string }
  stores: { id: number }
}

const db = compileOnlyKysely<DB>()

describe('tablesRead', () => {
  it('finds every table of joins, subqueries and unions, without schema', () => {
    const query = db
      .withSchema('bi')
      .selectFrom('prices')
      .innerJoin('products', 'products.id', 'prices.product_id')
      .select('prices.id')
      .where('prices.id', 'in', db.selectFrom('stores').select('id'))
      .union(db.selectFrom('stores').select('id'))
    expect(tablesRead(query.toOperationNode()).sort()).toEqual(['prices', 'products', 'stores'])
  })
})

describe('tablesWritten', () => {
  it('names the target of insert, update, delete and merge, not the tables they read', () => {
    const cases = [
      db.insertInto('prices').columns(['id']).expression(db.selectFrom('stores').select('id')),
      db
        .updateTable('prices')
        .set({ price: 1 })
        .where('product_id', 'in', db.selectFrom('products').select('id')),
      db.deleteFrom('prices as p').where('p.id', '=', 1),
      db
        .mergeInto('prices')
        .using('products', 'products.id', 'prices.product_id')
        .whenMatched()
        .thenDelete(),
    ]
    for (const query of cases) {
      const compiled = query.compile()
      expect(tablesWritten(compiled.query, compiled.sql)).toEqual(['prices'])
    }
  })

  it('finds a write hidden in a CTE of a select', () => {
    const query = db
      .with('gone', (qb) => qb.deleteFrom('products').returning('id'))
      .selectFrom('gone')
      .selectAll()
    expect(tablesWritten(query.toOperationNode(), '')).toContain('products')
    expect(firstWriteKind(query.toOperationNode())).toBe('DeleteQueryNode')
  })

  it('reports nothing for a plain select', () => {
    const compiled = db.selectFrom('prices').selectAll().compile()
    expect(tablesWritten(compiled.query, compiled.sql)).toEqual([])
    expect(firstWriteKind(compiled.query)).toBeUndefined()
  })

  it('matches raw SQL writes by their leading keyword', () => {
    const compiled = sql`update prices set price = ${1}`.compile(db)
    expect(tablesWritten(compiled.query, compiled.sql)).toEqual(['prices'])
  })
})

describe('rawWriteTarget', () => {
  it.each([
    ['insert into prices (id) values ($1)', 'prices'],
    ['INSERT INTO "bi"."Prices" values (1)', 'Prices'],
    ['  delete from only bi.prices where id = 1', 'prices'],
    ['update "we""ird" set a = 1', 'we"ird'],
    ['truncate table prices', 'prices'],
    ['copy prices (a) from stdin', 'prices'],
    ['merge into prices using x on true when matched then delete', 'prices'],
  ])('%s writes %s', (statement, table) => {
    expect(rawWriteTarget(statement)).toEqual([table])
  })

  it('ignores reads and transaction control', () => {
    expect(rawWriteTarget('select * from prices')).toEqual([])
    expect(rawWriteTarget('begin')).toEqual([])
  })
})

describe('tableTag', () => {
  it('prefixes the table name', () => {
    expect(tableTag('prices')).toBe('table:prices')
  })
})
