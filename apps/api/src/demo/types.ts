/** Names of the dashboard's widgets, in the order they are computed. */
export type WidgetName = 'totals' | 'priceIndex' | 'topMovers' | 'freshness' | 'companiesByCountry'

/** Size and time span of the dataset. */
export interface TotalsWidget {
  companies: number
  /** Companies with at least one price row. */
  companiesPriced: number
  priceRows: number
  /** Oldest and newest scrape, ISO 8601; `null` when there are no rows. */
  from: string | null
  to: string | null
}

/**
 * Price level per sector and week: each product's price divided by its own average over the
 * whole history, averaged per sector and week, times 100 (so 100 = the product's usual price and
 * the product mix of a week does not move the index).
 */
export interface PriceIndexWidget {
  /** Monday of each week, `YYYY-MM-DD`, oldest first. */
  weeks: string[]
  sectors: {
    sector: string
    /** One value per entry of `weeks`; `null` for a week without rows. */
    index: (number | null)[]
    /** The newest week's value. */
    latest: number | null
    /** `latest` minus the index four weeks before it, in index points; `null` when either is missing. */
    change4w: number | null
  }[]
}

/** Companies whose prices moved most: last 7 days against the 7 before, by the newest scrape. */
export type TopMoversWidget = {
  companyId: number
  name: string
  sector: string
  country: string
  /** Mean change of the company's products, percent. */
  changePct: number
}[]

/** One row per source: how recent and how much data it delivered. */
export type FreshnessWidget = {
  source: string
  /** ISO 8601 of its newest row. */
  lastScrapedAt: string
  /** Minutes between that row and the moment the dashboard was built. */
  ageMinutes: number
  /** Rows scraped in the 24 hours before the query ran. */
  rowsLast24h: number
  rows: number
}[]

/** Companies per country, most first. */
export type CompaniesByCountryWidget = { country: string; companies: number; sectors: number }[]

/** One finding of the background refresh. */
export interface Insight {
  /** Stable rule id, e.g. `sector-momentum`. */
  id: string
  severity: 'info' | 'warning'
  /** A sentence for a person. */
  text: string
  /** The number behind it. */
  value: number
}

/** What the background refresh stores and the dashboard shows. */
export interface InsightsSnapshot {
  /** ISO 8601; `null` before the first refresh. */
  computedAt: string | null
  /** Price rows the refresh that computed these wrote. */
  newRows: number
  items: Insight[]
}

/** The body of `GET /analytics/dashboard`. */
export interface AnalyticsDashboard {
  /** ISO 8601. */
  generatedAt: string
  backend: 'postgres' | 'pglite'
  widgets: {
    totals: TotalsWidget
    priceIndex: PriceIndexWidget
    topMovers: TopMoversWidget
    freshness: FreshnessWidget
    companiesByCountry: CompaniesByCountryWidget
  }
  insights: InsightsSnapshot
  timing: {
    /** Wall time of the whole dashboard, milliseconds. */
    ms: number
    /** Per widget: `true` when `db.cached()` answered from the cache without a query. */
    cached: Record<WidgetName, boolean>
    /** Per widget, milliseconds. */
    widgetMs: Record<WidgetName, number>
  }
}
