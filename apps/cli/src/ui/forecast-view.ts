import type { Forecast } from '@bi-perf/core'
import type { Style } from './style.js'
import { renderTable } from './table.js'

/** An outlook coloured by what it asks of the reader: red when running out soon, else calm. */
function paintOutlook(forecast: Forecast, style: Style): string {
  const { outlook } = forecast
  if (outlook === 'exhausts')
    return forecast.etaMs === null ? style.yellow(outlook) : style.red(outlook)
  if (outlook === 'recovering') return style.green(outlook)
  return style.dim(outlook)
}

/**
 * The forecasts as a table: outlook, confidence and the forecast in words. With no forecast
 * (every component off) it says so in one line; `unknown` rows say why (too little history yet).
 *
 * @example
 * context.print(renderForecasts(status.forecasts, style))
 * // outlook   confidence  forecast
 * // exhausts  82 %        disk /var full in about 3 h 10 min at the current rate (+12.4 MiB/min)
 */
export function renderForecasts(forecasts: readonly Forecast[], style: Style): string[] {
  if (forecasts.length === 0)
    return [style.dim('no forecasts: no heap, disk, task or pool figures')]
  const rows = forecasts.map((forecast) => [
    paintOutlook(forecast, style),
    forecast.outlook === 'unknown' ? '—' : `${Math.round(forecast.confidence * 100)} %`,
    forecast.summary,
  ])
  return renderTable(
    [{ header: 'outlook' }, { header: 'confidence', align: 'right' }, { header: 'forecast' }],
    rows,
    { header: style.dim },
  )
}
