import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiClient } from '../src/api-client.js'
import { createRemoteSource } from '../src/remote-source.js'

// An API from before forecasts: the same routes, answering the shapes it answered then.
let server: Server
let url: string

beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    if (request.url?.startsWith('/performance/recommendations')) {
      response.end(JSON.stringify({ recommendations: [] }))
      return
    }
    response.end(
      JSON.stringify({
        state: 'ok',
        components: {},
        profile: 'balanced',
        instances: ['old:1'],
        running: true,
        startedAt: null,
        uptimeMs: 1,
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

describe('remote source against an API without forecasts', () => {
  it('reads recommendations and status with empty forecasts', async () => {
    const source = createRemoteSource(createApiClient({ url }))
    expect(await source.recommendations()).toEqual({ recommendations: [], forecasts: [] })
    const status = await source.status()
    expect(status.forecasts).toEqual([])
    expect(status.instance).toBeNull()
  })
})
