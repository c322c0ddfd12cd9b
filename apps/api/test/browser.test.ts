import { existsSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import type { Optimizer } from '@bi-perf/core'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoWorkload, type DemoWorkload } from '../src/demo/workload.js'
import { bearer, hsToken, makeApp, newSecret, silentLogger, stopAll } from './helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url))
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

let browser: Browser
let server: ServerType
let base: string
let optimizer: Optimizer
let secret: string
let workload: DemoWorkload

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run \`apt-get install -y chromium\` (CI installs it); the browser test never downloads one`,
    )
  }
  const made = await makeApp({
    config: { monitor: { interval: '250ms' } },
    demo: (started) =>
      startDemoWorkload(started, silentLogger(), {
        dataset: { rows: 20_000 },
        refreshInterval: '1h',
      }),
  })
  optimizer = made.optimizer
  secret = made.secret
  workload = made.demo!
  expect(await workload.ready).toBe('ready')
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: made.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve(info.port),
    )
  })
  base = `http://127.0.0.1:${port}`
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking'],
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  await workload?.close()
  await stopAll()
})

/**
 * A page that may only talk to this machine: every other request is aborted and recorded, and
 * script errors and console errors (CSP violations among them) are collected.
 */
async function openPage(
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ page: Page; offHost: string[]; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, colorScheme })
  const page = await context.newPage()
  const offHost: string[] = []
  const problems: string[] = []
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (LOOPBACK.has(url.hostname)) return route.continue()
    offHost.push(url.href)
    return route.abort()
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  return { page, offHost, problems }
}

/** Waits until the given charts hold at least `points` x values and some non-null y value. */
async function waitForCharts(page: Page, ids: string[], points: number): Promise<void> {
  await page.waitForFunction(
    ({ ids, points }) => {
      const charts = (
        globalThis as unknown as {
          __biPerf?: { charts: Record<string, { data: (number | null)[][] }> }
        }
      ).__biPerf?.charts
      return ids.every((id) => {
        const data = charts?.[id]?.data
        return (
          data !== undefined &&
          data[0]!.length >= points &&
          data.slice(1).some((ys) => ys.some((y) => y !== null))
        )
      })
    },
    { ids, points },
    { timeout: 20_000 },
  )
}

describe('the live dashboard in Chromium', () => {
  it('draws live charts, switches the profile and clears the cache for an admin, offline', async () => {
    const { page, offHost, problems } = await openPage()
    const token = await hsToken(secret, { role: 'admin' })
    await page.goto(`${base}/#token=${token}`)

    // The token left the address bar at once.
    expect(page.url()).toBe(`${base}/`)
    await page.locator('#connection', { hasText: 'live' }).waitFor()
    await waitForCharts(page, ['cpu', 'memory', 'event-loop', 'db', 'tasks'], 3)
    const points = await page.locator('#chart-cpu').getAttribute('data-points')
    expect(Number(points)).toBeGreaterThanOrEqual(3)
    await expect.poll(() => page.locator('#instance').textContent()).toMatch(/:\d+$/)
    await expect.poll(() => page.locator('#uptime').textContent()).toMatch(/\d+ m \d+ s/)

    // The BI card shows the demo's widgets, with how each was served.
    await page.locator('#bi-card[data-ready="true"]').waitFor({ timeout: 20_000 })
    expect(await page.locator('#bi-card [data-widget]').count()).toBe(5)
    await expect
      .poll(() => page.locator('#bi-card [data-widget="totals"] .big').textContent())
      .toBe('20,000 prices')

    // Switch the profile through the form.
    expect(await page.locator('#profile-current').textContent()).toBe('balanced')
    await page.selectOption('#profile-select', 'memory')
    await page.click('#profile-form button[type="submit"]')
    await page.locator('#profile-current[data-profile="memory"]').waitFor()
    await expect
      .poll(() => page.locator('#profile-result').textContent())
      .toMatch(/balanced → memory/)
    const status = await fetch(`${base}/performance/status`, { headers: bearer(token) })
    expect(((await status.json()) as { profile: string }).profile).toBe('memory')
    expect(await page.locator('#profile').textContent()).toBe('memory')

    // Clear the cache through the form: the BI card's cached queries are in it.
    expect(optimizer.db!.stats().cache.stored).toBeGreaterThan(0)
    await page.fill('#cache-tags', 'demo')
    await page.click('#cache-submit')
    await page.locator('#cache-result[data-removed]').waitFor()
    expect(
      Number(await page.locator('#cache-result').getAttribute('data-removed')),
    ).toBeGreaterThan(0)
    expect(await page.locator('#cache-result').textContent()).toMatch(/^Removed \d+ keys?$/)

    // Recommendations loaded (possibly "nothing to change").
    await expect.poll(() => page.locator('#recommendations li').count()).toBeGreaterThan(0)

    // A few more seconds of data, so the screenshot shows lines rather than dots.
    await waitForCharts(page, ['cpu'], 12)
    await page.evaluate('window.scrollTo(0, 0)')
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true })

    expect(offHost).toEqual([])
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)

  it('shows a viewer the charts without the profile switcher or the cache form', async () => {
    const { page, offHost, problems } = await openPage('dark')
    await page.goto(`${base}/#token=${await hsToken(secret, { role: 'viewer' })}`)
    await page.locator('#connection', { hasText: 'live' }).waitFor()
    await waitForCharts(page, ['cpu'], 2)
    expect(await page.locator('#profile-form').count()).toBe(0)
    expect(await page.locator('#cache-card').count()).toBe(0)
    expect(await page.locator('#profile-card .viewer-only').isVisible()).toBe(true)
    expect(await page.locator('#role').textContent()).toBe('viewer')
    // The dark scheme follows prefers-color-scheme.
    const background = await page.evaluate<string>(
      'getComputedStyle(document.body).backgroundColor',
    )
    expect(background).toBe('rgb(17, 20, 24)')
    await page.locator('#bi-card[data-ready="true"]').waitFor({ timeout: 20_000 })
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: `${ARTIFACTS}dashboard-viewer-dark.png`, fullPage: true })
    expect(offHost).toEqual([])
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)

  it('asks for a token without one, and opens the dashboard with a pasted one', async () => {
    const { page, problems } = await openPage()
    await page.goto(`${base}/`)
    await page.locator('#login').waitFor()
    expect(await page.locator('#board').isVisible()).toBe(false)
    await page.fill('#login-token', await hsToken(secret, { role: 'viewer' }))
    await page.click('#login-form button[type="submit"]')
    await page.locator('#connection', { hasText: 'live' }).waitFor()
    expect(await page.locator('#board').isVisible()).toBe(true)
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)

  it('brings the form back with the reason when the server refuses the token', async () => {
    const { page } = await openPage()
    const forged = await hsToken(newSecret(), { role: 'admin' })
    await page.goto(`${base}/#token=${forged}`)
    await page.locator('#login-error', { hasText: 'refused' }).waitFor()
    expect(await page.locator('#connection').getAttribute('data-state')).toBe('unauthorized')
    expect(await page.evaluate("sessionStorage.getItem('bi-perf-token')")).toBeNull()
    await page.context().close()
  }, 60_000)
})
