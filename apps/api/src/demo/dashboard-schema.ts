import { z } from '@hono/zod-openapi'

const widgetFlags = <T extends z.ZodType>(value: T) =>
  z.object({
    totals: value,
    priceIndex: value,
    topMovers: value,
    freshness: value,
    companiesByCountry: value,
  })

/** OpenAPI schema of `GET /analytics/dashboard` (see `AnalyticsDashboard` in ./types.ts). */
export const AnalyticsDashboardSchema = z
  .object({
    generatedAt: z.string().openapi({ description: 'ISO 8601' }),
    backend: z.enum(['postgres', 'pglite']),
    widgets: z.object({
      totals: z.object({
        companies: z.number(),
        companiesPriced: z.number(),
        priceRows: z.number(),
        from: z.string().nullable(),
        to: z.string().nullable(),
      }),
      priceIndex: z
        .object({
          weeks: z.array(z.string()).openapi({ description: 'Monday of each week, YYYY-MM-DD' }),
          sectors: z.array(
            z.object({
              sector: z.string(),
              index: z.array(z.number().nullable()),
              latest: z.number().nullable(),
              change4w: z.number().nullable(),
            }),
          ),
        })
        .openapi({ description: "Price level per sector and week, 100 = each product's mean" }),
      topMovers: z.array(
        z.object({
          companyId: z.number(),
          name: z.string(),
          sector: z.string(),
          country: z.string(),
          changePct: z.number(),
        }),
      ),
      freshness: z.array(
        z.object({
          source: z.string(),
          lastScrapedAt: z.string(),
          ageMinutes: z.number(),
          rowsLast24h: z.number(),
          rows: z.number(),
        }),
      ),
      companiesByCountry: z.array(
        z.object({ country: z.string(), companies: z.number(), sectors: z.number() }),
      ),
    }),
    insights: z.object({
      computedAt: z.string().nullable(),
      newRows: z.number(),
      items: z.array(
        z.object({
          id: z.string(),
          severity: z.enum(['info', 'warning']),
          text: z.string(),
          value: z.number(),
        }),
      ),
    }),
    timing: z.object({
      ms: z.number().openapi({ description: 'Wall time of the whole dashboard' }),
      cached: widgetFlags(z.boolean()).openapi({
        description: 'Per widget: answered from the query cache',
      }),
      widgetMs: widgetFlags(z.number()),
    }),
  })
  .openapi('AnalyticsDashboard')

/** OpenAPI schema of `GET /analytics/history`. */
export const HistorySchema = z
  .object({
    windowMs: z.number(),
    series: z.record(z.string(), z.array(z.object({ at: z.number(), value: z.number() }))),
  })
  .openapi('MetricHistory')

/** `GET /analytics/history`: points per series, oldest first. */
export type HistoryBody = z.infer<typeof HistorySchema>
