import { createRandom, type Random } from './prng.js'

/** One sector of the demo economy: its products (base price in EUR) and its 90-day price drift. */
interface SectorSpec {
  /** Relative price change over the 90 days, e.g. `0.09` for +9 %. */
  trend: number
  products: readonly (readonly [name: string, baseEur: number])[]
}

/** Sectors with their catalogues; the drifts make the price index move visibly per sector. */
export const SECTORS: Readonly<Record<string, SectorSpec>> = {
  Energy: {
    trend: 0.09,
    products: [
      ['Diesel 10 L', 17],
      ['Heating oil 100 L', 105],
      ['Wood pellets 15 kg', 7],
      ['Solar panel 400 W', 210],
      ['Gas cylinder 11 kg', 38],
    ],
  },
  Retail: {
    trend: 0.02,
    products: [
      ['Backpack', 49],
      ['Running shoes', 119],
      ['Desk lamp', 35],
      ['Bath towel set', 29],
    ],
  },
  Technology: {
    trend: -0.06,
    products: [
      ['Laptop 14"', 999],
      ['Smartphone 128 GB', 649],
      ['SSD 1 TB', 89],
      ['Monitor 27"', 279],
      ['Wireless earbuds', 129],
    ],
  },
  Healthcare: {
    trend: 0.03,
    products: [
      ['Blood pressure monitor', 59],
      ['Vitamin D 90 caps', 12],
      ['First aid kit', 24],
      ['Thermometer', 15],
    ],
  },
  Industrials: {
    trend: 0.04,
    products: [
      ['Cordless drill', 149],
      ['Steel beam 6 m', 310],
      ['Safety helmet', 22],
      ['Compressor 50 L', 240],
    ],
  },
  'Consumer Goods': {
    trend: 0.05,
    products: [
      ['Coffee beans 1 kg', 18],
      ['Laundry detergent 5 L', 21],
      ['Shampoo 500 ml', 6],
      ['Olive oil 1 L', 11],
    ],
  },
  Materials: {
    trend: -0.03,
    products: [
      ['Cement 25 kg', 9],
      ['Copper wire 100 m', 85],
      ['Plywood sheet', 42],
      ['Paint 10 L', 64],
    ],
  },
  Telecom: {
    trend: -0.01,
    products: [
      ['Mobile plan 20 GB', 20],
      ['Fibre 1 Gbit (month)', 45],
      ['Router Wi-Fi 6', 99],
    ],
  },
  Utilities: {
    trend: 0.07,
    products: [
      ['Electricity 100 kWh', 32],
      ['Water 10 m³', 28],
      ['District heat 1 MWh', 110],
    ],
  },
  'Food & Beverage': {
    trend: 0.06,
    products: [
      ['Butter 250 g', 2.9],
      ['Cheddar 1 kg', 14],
      ['Orange juice 1 L', 2.4],
      ['Sparkling water 6×1 L', 4.5],
      ['Chocolate 100 g', 1.9],
    ],
  },
}

/** Country → [currency, legal-form suffix, weight]: where the demo companies sit. */
const COUNTRIES: Readonly<
  Record<string, readonly [currency: string, suffix: string, weight: number]>
> = {
  DE: ['EUR', 'GmbH', 16],
  FR: ['EUR', 'SA', 11],
  US: ['USD', 'Inc.', 18],
  GB: ['GBP', 'Ltd', 10],
  NL: ['EUR', 'B.V.', 6],
  ES: ['EUR', 'S.L.', 6],
  IT: ['EUR', 'S.p.A.', 7],
  SE: ['SEK', 'AB', 4],
  PL: ['PLN', 'Sp. z o.o.', 5],
  JP: ['JPY', 'K.K.', 7],
  CA: ['CAD', 'Corp.', 5],
  BR: ['BRL', 'Ltda', 3],
  CH: ['CHF', 'AG', 2],
}

/** Euros per unit of each currency; fixed so the dataset is reproducible. */
export const FX_TO_EUR: Readonly<Record<string, number>> = {
  EUR: 1,
  USD: 0.92,
  GBP: 1.17,
  SEK: 0.087,
  PLN: 0.23,
  JPY: 0.0061,
  CAD: 0.68,
  BRL: 0.17,
  CHF: 1.04,
}

/**
 * Where price rows come from, with their share of rows. `manual-upload` stops three days before
 * the end, so the freshness widget has something stale to show.
 */
export const SOURCES = ['shop-crawler', 'marketplace-api', 'partner-feed', 'manual-upload'] as const
const SOURCE_WEIGHTS = [50, 25, 15, 10]
const STALE_SOURCE_DAYS = 3

const NAME_HEADS =
  'Nordic Atlas Blue Summit Iron Silver Green Pacific Alpine Delta Vector Crown Harbor Northwind Apex Orion Pioneer Sterling Union Vertex'.split(
    ' ',
  )
const NAME_TAILS =
  'Works Trading Group Supply Partners Industries Brands Holdings Markets Solutions Direct Collective'.split(
    ' ',
  )

/** One generated company and the products it sells. */
export interface DemoCompany {
  id: number
  name: string
  sector: string
  country: string
  currency: string
  employees: number
  products: { name: string; baseEur: number }[]
  /** Relative price jump in the last 7 days (0 for most companies): the week's top movers. */
  shock: number
}

/** One row of `demo_prices` as inserted. */
export type DemoPriceRow = {
  company_id: number
  product: string
  price: number
  currency: string
  scraped_at: Date
  source: string
}

const DAY_MS = 86_400_000
/** Days of history the seed covers. */
export const HISTORY_DAYS = 90

/**
 * The companies of a seed: always the same list for the same `seed` and `count`.
 *
 * @example
 * const companies = generateCompanies(500, 42)
 */
export function generateCompanies(count: number, seed: number): DemoCompany[] {
  const random = createRandom(seed)
  const sectors = Object.keys(SECTORS)
  const countries = Object.keys(COUNTRIES)
  const weights = countries.map((country) => COUNTRIES[country]![2])
  const seen = new Map<string, number>()
  const companies: DemoCompany[] = []
  for (let id = 1; id <= count; id++) {
    const sector = random.pick(sectors)
    const country = random.weighted(countries, weights)
    const [currency, suffix] = COUNTRIES[country]!
    const base = `${random.pick(NAME_HEADS)} ${sector.split(' ')[0]} ${random.pick(NAME_TAILS)}`
    const twins = (seen.get(base) ?? 0) + 1
    seen.set(base, twins)
    const catalogue = [...SECTORS[sector]!.products]
    const products: DemoCompany['products'] = []
    const wanted = Math.min(catalogue.length, random.int(2, 4))
    while (products.length < wanted) {
      const [name, baseEur] = catalogue.splice(random.int(0, catalogue.length - 1), 1)[0]!
      products.push({ name, baseEur: baseEur * (0.8 + random.next() * 0.45) })
    }
    // About one company in sixteen had a price move this week, up or down.
    const shock =
      random.next() < 0.06 ? (random.next() < 0.5 ? -1 : 1) * (0.08 + random.next() * 0.17) : 0
    companies.push({
      id,
      name: twins > 1 ? `${base} ${twins} ${suffix}` : `${base} ${suffix}`,
      sector,
      country,
      currency,
      employees: Math.round(10 ** (1 + random.next() * 4)),
      products,
      shock,
    })
  }
  return companies
}

/**
 * Price rows spread over the {@link HISTORY_DAYS} days before `end`. The same seed, companies
 * and `end` give the same rows; only their timestamps move with `end`.
 *
 * @example
 * for (const row of generatePriceRows(companies, { rows: 1000, seed: 42, end: new Date() })) {}
 */
export function* generatePriceRows(
  companies: readonly DemoCompany[],
  options: { rows: number; seed: number; end: Date },
): Generator<DemoPriceRow> {
  const random = createRandom(options.seed ^ 0x5eed)
  const end = options.end.getTime()
  for (let index = 0; index < options.rows; index++) {
    const source = random.weighted(SOURCES, SOURCE_WEIGHTS)
    const floor = source === 'manual-upload' ? STALE_SOURCE_DAYS : 0
    const ageDays = floor + random.next() * (HISTORY_DAYS - floor)
    yield priceRow(random.pick(companies), random, source, ageDays, end)
  }
}

/**
 * Fresh rows scraped in the `spreadMs` before `now`, as the background refresh writes them.
 *
 * @example
 * const rows = generateFreshRows(companies, createRandom(1), { rows: 200, now: new Date() })
 */
export function generateFreshRows(
  companies: readonly DemoCompany[],
  random: Random,
  options: { rows: number; now: Date; spreadMs?: number },
): DemoPriceRow[] {
  const spread = options.spreadMs ?? 30_000
  const now = options.now.getTime()
  const rows: DemoPriceRow[] = []
  for (let index = 0; index < options.rows; index++) {
    const source = random.weighted(SOURCES.slice(0, 3), SOURCE_WEIGHTS.slice(0, 3))
    rows.push(
      priceRow(random.pick(companies), random, source, (random.next() * spread) / DAY_MS, now),
    )
  }
  return rows
}

function priceRow(
  company: DemoCompany,
  random: Random,
  source: string,
  ageDays: number,
  end: number,
): DemoPriceRow {
  const product = random.pick(company.products)
  const progress = 1 - ageDays / HISTORY_DAYS
  const level = 1 + SECTORS[company.sector]!.trend * progress
  const shock = ageDays < 7 ? 1 + company.shock : 1
  const noise = 1 + 0.02 * random.gaussian()
  const priceEur = product.baseEur * level * shock * noise
  return {
    company_id: company.id,
    product: product.name,
    price: Math.round((priceEur / FX_TO_EUR[company.currency]!) * 100) / 100,
    currency: company.currency,
    scraped_at: new Date(Math.round(end - ageDays * DAY_MS)),
    source,
  }
}
