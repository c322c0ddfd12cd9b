import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import type { BiPerfConfigInput, Optimizer } from '@bi-perf/core'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoWorkload, type DemoWorkload } from '../src/demo/workload.js'
import { hsToken, makeApp, redisUrl, silentLogger, stopAll } from './helpers.js'

// Every state of the dashboard in Chromium, at desktop and phone widths, with and without data:
// what the page says about itself, empty charts, time axes, advice, the clear confirmation and
// the layout. Screenshots go to a temporary directory whose path is printed.

const CHROMIUM = '/usr/bin/chromium'
const DESKTOP = 1280
const PHONES = [390, 360]
/** `window.__probes` in the page: see dashboard-probes.js. */
const PROBES = readFileSync(
  fileURLToPath(new URL('./dashboard-probes.js', import.meta.url)),
  'utf8',
)
/** What the page's globals offer the functions run in it (the test's types have no DOM). */
interface PageGlobals {
  __biPerf: { charts: Record<string, unknown> }
  __probes: {
    points(id: string): number
    axisSweep(ends: number[], spans: number[]): Promise<string[]>
    describeEvidence(list: object[]): Promise<string[]>
  }
}
/** A long monitor interval keeps a fresh server in its "one sample so far" state for a while. */
const FRESH_INTERVAL_S = 20

let browser: Browser
let shots: string
const servers: ServerType[] = []
const workloads: DemoWorkload[] = []

/** An app on a free loopback port; closed after the file. */
async function startServer(
  config: BiPerfConfigInput,
  demo: 'none' | 'seeding' | 'ready',
): Promise<{ base: string; token: string }> {
  const made = await makeApp({
    config,
    ...(demo === 'none'
      ? {}
      : {
          demo: async (optimizer: Optimizer) => {
            const workload = await startDemoWorkload(optimizer, silentLogger(), {
              dataset: { rows: 20_000 },
              refreshInterval: '1h',
            })
            workloads.push(workload)
            return workload
          },
        }),
  })
  if (demo === 'ready') expect(await made.demo!.ready).toBe('ready')
  const port = await new Promise<number>((resolve) => {
    servers.push(
      serve({ fetch: made.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
        resolve(info.port),
      ),
    )
  })
  return { base: `http://127.0.0.1:${port}`, token: await hsToken(made.secret, { role: 'admin' }) }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run \`apt-get install -y chromium\` (CI installs it); the browser test never downloads one`,
    )
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking'],
  })
  shots = mkdtempSync(join(tmpdir(), 'bi-perf-dashboard-'))
  console.log(`dashboard screenshots: ${shots}`)
}, 30_000)

afterAll(async () => {
  await browser?.close()
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
  for (const workload of workloads.splice(0)) await workload.close()
  await stopAll()
})

/** A page `width` wide, signed in as admin; script and console errors are collected. */
async function openDashboard(
  base: string,
  token: string,
  width: number,
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    // Failed responses are checked by URL below; Chromium logs each one without it.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`)
    }
  })
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname
    // While the demo seeds, its BI card is answered 503 E_DEMO_SEEDING: expected.
    const seeding = path === '/analytics/dashboard' && response.status() === 503
    if (response.status() >= 400 && !seeding) problems.push(`${response.status()} ${path}`)
  })
  await page.goto(`${base}/#token=${token}`)
  await page.locator('#connection', { hasText: 'live' }).waitFor()
  await page.evaluate(PROBES)
  // The first metrics reached every chart (and decided whether the Redis chart shows).
  await page.waitForFunction(() => {
    // Runs in the page: only its own globals are in reach.
    const page = globalThis as unknown as PageGlobals
    return Object.keys(page.__biPerf.charts).every((id) => page.__probes.points(id) > 0)
  })
  return { page, problems }
}

interface ChartState {
  id: string
  hidden: boolean
  state: string | undefined
  emptyText: string
  emptyVisible: boolean
  /** Non-null values per series in the chart's data. */
  values: number[]
}

function chartStates(page: Page): Promise<ChartState[]> {
  return page.evaluate<ChartState[]>('window.__probes.chartStates()')
}

/** Every shown chart draws a line or says why it has none, never both, never neither. */
function expectDataOrReason(charts: ChartState[]): void {
  for (const chart of charts.filter((c) => !c.hidden)) {
    if (chart.state === 'data') {
      expect(Math.max(...chart.values), chart.id).toBeGreaterThanOrEqual(2)
      expect(chart.emptyVisible, chart.id).toBe(false)
    } else {
      expect(chart.state, chart.id).toBe('empty')
      expect(chart.emptyVisible, chart.id).toBe(true)
      expect(chart.emptyText, chart.id).toMatch(/^(no data yet — samples arrive every \d+ s|.+)$/)
      expect(chart.emptyText.length, chart.id).toBeGreaterThan(5)
    }
  }
}

interface TickBox {
  chart: string
  label: string
  left: number
  right: number
  canvasLeft: number
  canvasRight: number
}

/** The x-axis labels each shown chart drew, as boxes in page pixels. */
function tickBoxes(page: Page): Promise<TickBox[]> {
  return page.evaluate<TickBox[]>('window.__probes.tickBoxes()')
}

function expectNoOverlap(boxes: TickBox[]): void {
  const byChart = new Map<string, TickBox[]>()
  for (const box of boxes) byChart.set(box.chart, [...(byChart.get(box.chart) ?? []), box])
  expect(byChart.size).toBeGreaterThan(0)
  for (const [chart, ticks] of byChart) {
    expect(ticks.length, chart).toBeGreaterThan(0)
    ticks.sort((a, b) => a.left - b.left)
    for (const [index, tick] of ticks.entries()) {
      expect(tick.left, `${chart} ${tick.label} cut at the left`).toBeGreaterThanOrEqual(
        tick.canvasLeft,
      )
      expect(tick.right, `${chart} ${tick.label} cut at the right`).toBeLessThanOrEqual(
        tick.canvasRight,
      )
      const next = ticks[index + 1]
      if (next) {
        expect(tick.right, `${chart}: ${tick.label} overlaps ${next.label}`).toBeLessThan(next.left)
      }
    }
  }
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>(
    '[document.documentElement.scrollWidth, window.innerWidth]',
  )
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth)
}

async function expectHeader(page: Page): Promise<void> {
  const about = page.locator('header .about')
  expect(await about.textContent()).toMatch(
    /live performance of this bi-perf service: cache, database, tasks, memory and system/i,
  )
  expect(await about.isVisible()).toBe(true)
  expect(await page.locator('header a[href="/docs"]').isVisible()).toBe(true)
}

/** The whole page, or only what is in view (a modal dialog covers only the viewport). */
async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)')
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage })
}

describe('the dashboard in every state, in Chromium', () => {
  it('says why each chart is empty right after a fresh start, at desktop and phone widths', async () => {
    const { base, token } = await startServer(
      { monitor: { interval: `${FRESH_INTERVAL_S}s` } },
      'seeding',
    )
    // All widths at once, inside the first monitor interval: one sample so far.
    const pages = await Promise.all(
      [DESKTOP, ...PHONES].map((width) => openDashboard(base, token, width)),
    )
    for (const [index, { page, problems }] of pages.entries()) {
      const width = [DESKTOP, ...PHONES][index]!
      const charts = await chartStates(page)
      expectDataOrReason(charts)
      // CPU needs two monitor samples for a line; the empty state names the real interval.
      const cpu = charts.find((chart) => chart.id === 'cpu')!
      expect(cpu.state).toBe('empty')
      expect(cpu.emptyText).toBe(`no data yet — samples arrive every ${FRESH_INTERVAL_S} s`)
      // No Redis configured: its chart is not shown at all.
      expect(charts.find((chart) => chart.id === 'l2-latency')!.hidden).toBe(true)
      await expectHeader(page)
      expectNoOverlap(await tickBoxes(page))
      if (width < DESKTOP) await expectNoSidewaysScroll(page)
      await screenshot(page, `fresh-${width}`)
      expect(problems).toEqual([])
    }
    for (const { page } of pages) await page.context().close()
  }, 90_000)

  describe('with samples and demo traffic', () => {
    let base: string
    let token: string

    beforeAll(async () => {
      ;({ base, token } = await startServer({ monitor: { interval: '250ms' } }, 'ready'))
    }, 60_000)

    it.each([DESKTOP, ...PHONES])(
      'at %i px draws every chart or its reason, ticks apart, advice humanized, no sideways scroll',
      async (width) => {
        const { page, problems } = await openDashboard(base, token, width)
        // Enough points for lines on every chart that has a live figure.
        await page.waitForFunction(
          () => (globalThis as unknown as PageGlobals).__probes.points('cpu') >= 6,
          undefined,
          { timeout: 20_000 },
        )
        await page.locator('#bi-card[data-ready="true"]').waitFor({ timeout: 20_000 })
        await expect.poll(() => page.locator('#recommendations li').count()).toBeGreaterThan(0)

        const charts = await chartStates(page)
        expectDataOrReason(charts)
        for (const id of ['cpu', 'memory', 'event-loop', 'db', 'tasks']) {
          expect(charts.find((chart) => chart.id === id)!.state, id).toBe('data')
        }
        expect(charts.find((chart) => chart.id === 'l2-latency')!.hidden).toBe(true)
        expectNoOverlap(await tickBoxes(page))
        await expectHeader(page)
        expect((await fetch(`${base}/docs`)).status).toBe(200)

        // Advice: no raw long floats anywhere in the recommendations or forecasts.
        const advice = await page.locator('#recommendations, #forecasts').allTextContents()
        expect(advice.join('\n')).not.toMatch(/\d+\.\d{4,}/)
        const body = (await (
          await fetch(`${base}/performance/recommendations`, {
            headers: { Authorization: `Bearer ${token}` },
          })
        ).json()) as { recommendations: unknown[]; forecasts?: { outlook: string }[] }
        if (body.forecasts === undefined) {
          expect(await page.locator('#forecasts-card').isHidden()).toBe(true)
        } else {
          await page.locator('#forecasts-card').waitFor()
          await expect
            .poll(() => page.locator('#forecasts li[data-outlook]').count())
            .toBe(body.forecasts.length)
          for (const item of await page.locator('#forecasts li[data-outlook]').all()) {
            expect(await item.locator('.outlook').textContent()).not.toBe('')
          }
        }

        if (width < DESKTOP) await expectNoSidewaysScroll(page)
        await screenshot(page, `data-${width}`)
        expect(problems).toEqual([])
        await page.context().close()
      },
      60_000,
    )

    it('asks before clearing everything: cancel and Escape send nothing, confirm clears', async () => {
      const { page, problems } = await openDashboard(base, token, PHONES[0]!)
      const clears: string[] = []
      page.on('request', (request) => {
        if (request.url().endsWith('/performance/cache/clear')) clears.push(request.method())
      })
      const dialog = page.getByRole('dialog', { name: 'Clear the whole cache?' })
      expect(await dialog.isVisible()).toBe(false)

      await page.click('#cache-submit')
      await dialog.waitFor()
      // The safe answer has the focus.
      expect(await page.evaluate('document.activeElement.id')).toBe('clear-cancel')
      await screenshot(page, 'clear-confirmation-390', false)
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      await dialog.waitFor({ state: 'hidden' })
      // The dialog's `close` event (which answers the panel) fires in a task after it hides.
      await page.locator('#cache-result', { hasText: /^Nothing cleared\.$/ }).waitFor()

      await page.click('#cache-submit')
      await dialog.waitFor()
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'hidden' })
      // Give a stray request every chance to show up before asserting there was none.
      await page.evaluate("fetch('/health').then((response) => response.status)")
      expect(clears).toEqual([])

      await page.click('#cache-submit')
      await dialog.getByRole('button', { name: 'Clear everything' }).click()
      await page.locator('#cache-result[data-removed]').waitFor()
      expect(clears).toEqual(['POST'])
      expect(await page.locator('#cache-result').textContent()).toMatch(/^Removed \d+ keys?$/)
      expect(problems).toEqual([])
      await page.context().close()
    }, 60_000)

    it('labels time axes without overlap for every span and width, with the date only across midnight', async () => {
      const { page } = await openDashboard(base, token, DESKTOP)
      const midnight = new Date(2026, 11, 4).getTime() / 1000
      // Late morning (the 11:13) and just after midnight, so some spans cross days.
      const ends = [midnight + 11 * 3600 + 14 * 60 + 7, midnight + 60]
      const spans = [5, 20, 45, 90, 150, 200, 239, 300, 600, 3600, 4 * 3600]
      const failures = await page.evaluate<string[], [number[], number[]]>(
        ([ends, spans]) => (globalThis as unknown as PageGlobals).__probes.axisSweep(ends, spans),
        [ends, spans],
      )
      expect(failures).toEqual([])
      await page.context().close()
    }, 60_000)

    it('formats evidence for people when the API sends no summary', async () => {
      const { page } = await openDashboard(base, token, DESKTOP)
      const evidence = [
        {
          metric: 'memory.heap.growthBytesPerMinute',
          value: 389642279.668,
          threshold: 0,
          window: '5m',
        },
        { metric: 'system.loopDelayP99Ms.p95', value: 232.41789, threshold: 100, window: '5m' },
        { metric: 'cache.hitRate', value: 0.41237, threshold: 0.5, window: 'now' },
        { metric: 'x', value: 1, threshold: 2, window: '1m', summary: 'grew 0.123456 MiB' },
      ]
      const lines = await page.evaluate<string[], object[]>(
        (list) => (globalThis as unknown as PageGlobals).__probes.describeEvidence(list),
        evidence,
      )
      expect(lines).toEqual([
        'memory.heap.growthBytesPerMinute 372 MiB (threshold 0 B), over 5 min',
        'system.loopDelayP99Ms.p95 232 ms (threshold 100 ms), over 5 min',
        'cache.hitRate 41.2 % (threshold 50 %), now',
        'grew 0.123 MiB',
      ])
      await page.context().close()
    }, 60_000)
  })

  it('shows the Redis chart, with data or its reason, when Redis is configured', async () => {
    const { base, token } = await startServer(
      { redis: { url: redisUrl() }, monitor: { interval: '250ms' } },
      'none',
    )
    const { page } = await openDashboard(base, token, DESKTOP)
    await expect
      .poll(async () => (await chartStates(page)).find((c) => c.id === 'l2-latency')!.hidden)
      .toBe(false)
    expectDataOrReason(await chartStates(page))
    // The chart is shown from the configuration; its note comes with the first metrics.
    await expect
      .poll(async () => page.locator('#chart-l2-latency .chart-note').textContent())
      .toMatch(/breaker/)
    await screenshot(page, 'redis-1280')
    await page.context().close()
  }, 60_000)
})
