import { describe, expect, it } from 'vitest'
import {
  FX_TO_EUR,
  HISTORY_DAYS,
  SECTORS,
  SOURCES,
  generateCompanies,
  generateFreshRows,
  generatePriceRows,
} from './dataset.js'
import { createRandom } from './prng.js'

const END = new Date('2026-06-01T12:00:00.000Z')

describe('demo dataset generator', () => {
  it('generates the same companies and rows for the same seed', () => {
    const a = generateCompanies(500, 42)
    const b = generateCompanies(500, 42)
    expect(b).toEqual(a)
    const rowsA = [...generatePriceRows(a, { rows: 2_000, seed: 42, end: END })]
    const rowsB = [...generatePriceRows(b, { rows: 2_000, seed: 42, end: END })]
    expect(rowsB).toEqual(rowsA)
  })

  it('generates different data for another seed', () => {
    const a = generateCompanies(50, 1)
    const b = generateCompanies(50, 2)
    expect(b.map((c) => c.name)).not.toEqual(a.map((c) => c.name))
  })

  it('spreads companies over sectors and countries with known currencies', () => {
    const companies = generateCompanies(500, 42)
    expect(new Set(companies.map((c) => c.id)).size).toBe(500)
    expect(new Set(companies.map((c) => c.sector)).size).toBe(Object.keys(SECTORS).length)
    expect(new Set(companies.map((c) => c.country)).size).toBeGreaterThanOrEqual(10)
    for (const company of companies) {
      expect(FX_TO_EUR[company.currency]).toBeGreaterThan(0)
      expect(company.products.length).toBeGreaterThanOrEqual(2)
    }
    expect(companies.filter((c) => c.shock !== 0).length).toBeGreaterThan(5)
  })

  it('keeps price rows inside the history window, in the company currency', () => {
    const companies = generateCompanies(100, 7)
    const byId = new Map(companies.map((c) => [c.id, c]))
    const start = END.getTime() - HISTORY_DAYS * 86_400_000
    for (const row of generatePriceRows(companies, { rows: 5_000, seed: 7, end: END })) {
      expect(row.scraped_at.getTime()).toBeGreaterThanOrEqual(start)
      expect(row.scraped_at.getTime()).toBeLessThanOrEqual(END.getTime())
      expect(row.currency).toBe(byId.get(row.company_id)!.currency)
      expect(row.price).toBeGreaterThan(0)
      expect(SOURCES).toContain(row.source)
    }
  })

  it('stops the manual-upload source three days before the end', () => {
    const companies = generateCompanies(100, 7)
    const manual = [...generatePriceRows(companies, { rows: 5_000, seed: 7, end: END })].filter(
      (row) => row.source === 'manual-upload',
    )
    expect(manual.length).toBeGreaterThan(0)
    const newest = Math.max(...manual.map((row) => row.scraped_at.getTime()))
    expect(END.getTime() - newest).toBeGreaterThanOrEqual(3 * 86_400_000)
  })

  it('dates fresh rows within the spread before now', () => {
    const companies = generateCompanies(20, 3)
    const rows = generateFreshRows(companies, createRandom(1), { rows: 200, now: END })
    expect(rows).toHaveLength(200)
    for (const row of rows) {
      expect(END.getTime() - row.scraped_at.getTime()).toBeLessThanOrEqual(30_000)
      expect(row.source).not.toBe('manual-upload')
    }
  })
})
