import type { FreshnessWidget, Insight, PriceIndexWidget, TopMoversWidget } from './types.js'

/** A source that has not delivered for this long is reported as stale. */
const STALE_AFTER_MINUTES = 24 * 60

/**
 * Turns fresh widget figures into a few sentences a person reads first: which sectors' prices
 * moved most over four weeks, the week's biggest company mover, sources that stopped delivering
 * and how much arrived in the last day. Pure, so the background task and tests share it.
 *
 * @example
 * const items = deriveInsights({ priceIndex, topMovers, freshness })
 */
export function deriveInsights(figures: {
  priceIndex: PriceIndexWidget
  topMovers: TopMoversWidget
  freshness: FreshnessWidget
}): Insight[] {
  const items: Insight[] = []
  const moving = figures.priceIndex.sectors
    .filter((sector) => sector.change4w !== null)
    .sort((a, b) => b.change4w! - a.change4w!)
  const riser = moving[0]
  const faller = moving.at(-1)
  if (riser && riser.change4w! > 0) {
    items.push({
      id: 'sector-rising',
      severity: 'info',
      text: `${riser.sector} prices rose ${riser.change4w!.toFixed(1)} index points over four weeks`,
      value: riser.change4w!,
    })
  }
  if (faller && faller !== riser && faller.change4w! < 0) {
    items.push({
      id: 'sector-falling',
      severity: 'info',
      text: `${faller.sector} prices fell ${Math.abs(faller.change4w!).toFixed(1)} index points over four weeks`,
      value: faller.change4w!,
    })
  }
  const mover = figures.topMovers[0]
  if (mover) {
    const sign = mover.changePct > 0 ? '+' : ''
    items.push({
      id: 'top-mover',
      severity: Math.abs(mover.changePct) >= 15 ? 'warning' : 'info',
      text: `${mover.name} (${mover.sector}, ${mover.country}) moved ${sign}${mover.changePct.toFixed(1)} % against the week before`,
      value: mover.changePct,
    })
  }
  for (const source of figures.freshness) {
    if (source.ageMinutes >= STALE_AFTER_MINUTES) {
      items.push({
        id: 'stale-source',
        severity: 'warning',
        text: `${source.source} has not delivered for ${(source.ageMinutes / 1440).toFixed(1)} days`,
        value: source.ageMinutes,
      })
    }
  }
  const lastDay = figures.freshness.reduce((sum, source) => sum + source.rowsLast24h, 0)
  items.push({
    id: 'daily-volume',
    severity: 'info',
    text: `${lastDay.toLocaleString('en-US')} prices scraped in the last 24 hours from ${figures.freshness.filter((source) => source.rowsLast24h > 0).length} sources`,
    value: lastDay,
  })
  return items
}
