// The baseline of bench/http.ts: the smallest Hono app on @hono/node-server, one `/ping` route.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono().get('/ping', (c) => c.json({ ok: true }))
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send?.({ port: info.port })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
