import { afterAll, describe, expect, it } from 'vitest'
import { makeApp, readError, stopAll } from './helpers.js'

afterAll(stopAll)

describe('dashboard assets', () => {
  it('serves the page without inline scripts or handlers, so it runs under the strict CSP', async () => {
    const { app } = await makeApp()
    const response = await app.request('/')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await response.text()
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/dashboard\//)
      expect(body!.trim()).toBe('')
    }
    expect(html).not.toMatch(/\son[a-z]+=/i)
    expect(html).not.toMatch(/https?:\/\//)
  })

  it('serves every module the page imports, and uPlot from node_modules', async () => {
    const { app } = await makeApp()
    const pending = ['/dashboard/app.js']
    const seen = new Set<string>()
    while (pending.length > 0) {
      const path = pending.pop()!
      if (seen.has(path)) continue
      seen.add(path)
      const response = await app.request(path)
      expect(response.status, path).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
      const source = await response.text()
      for (const [, file] of source.matchAll(/from '\.\/([\w-]+\.js)'/g))
        pending.push(`/dashboard/${file}`)
    }
    expect([...seen].sort()).toEqual(
      [
        'advice',
        'api',
        'app',
        'bi',
        'charts',
        'dom',
        'format',
        'panels',
        'stream',
        'time-axis',
      ].map((name) => `/dashboard/${name}.js`),
    )
    const uplot = await app.request('/dashboard/vendor/uplot.js')
    expect(uplot.status).toBe(200)
    expect(await uplot.text()).toContain('uPlot')
    const css = await app.request('/dashboard/vendor/uplot.css')
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
  })

  it('answers 304 to a matching If-None-Match', async () => {
    const { app } = await makeApp()
    const first = await app.request('/dashboard/app.css')
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await app.request('/dashboard/app.css', { headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })

  it('answers 404 in the API error shape for an unknown asset', async () => {
    const { app } = await makeApp()
    const response = await app.request('/dashboard/nope.js')
    expect(response.status).toBe(404)
    expect((await readError(response)).code).toBe('E_API_NOT_FOUND')
  })
})
