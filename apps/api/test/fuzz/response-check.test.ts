import { describe, expect, it } from 'vitest'
import type { FuzzRequest } from './fuzz-request.js'
import { listOperations, type OpenApiDocument } from './openapi-document.js'
import { ResponseChecker } from './response-check.js'

// The fuzz's oracle on a two-route document: a fuzz whose checks pass everything finds nothing.

const document: OpenApiDocument = {
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          200: {
            description: 'A thing',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
        },
      },
    },
    '/events': {
      get: {
        responses: {
          200: {
            description: 'Events',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        properties: { id: { type: 'string' }, size: { type: 'integer', example: 3 } },
        required: ['id', 'size'],
      },
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            required: ['code', 'message'],
          },
        },
        required: ['error'],
      },
    },
  },
}

const checker = new ResponseChecker(document, listOperations(document), ['    at ', '.ts:'])

function get(url: string): FuzzRequest {
  return { method: 'GET', url, auth: 'none', headers: {}, body: undefined }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

function events(text: string): Response {
  return new Response(text, { headers: { 'Content-Type': 'text/event-stream' } })
}

const error = { error: { code: 'E_API_NOT_FOUND', message: 'no thing' } }

describe('the fuzz response checker', () => {
  it('accepts a documented 2xx body and a 4xx in the Error shape', async () => {
    await checker.check(get('/things/1'), json(200, { id: '1', size: 3 }))
    await checker.check(get('/things/1'), json(404, { error: { ...error.error, details: [1] } }))
  })

  it('rejects a 5xx, even in the Error shape', async () => {
    await expect(checker.check(get('/things/1'), json(500, error))).rejects.toThrow('a 5xx')
  })

  it('rejects a 2xx body that breaks its documented schema', async () => {
    await expect(
      checker.check(get('/things/1'), json(200, { id: '1', size: 'big' })),
    ).rejects.toThrow('does not match its documented schema')
  })

  it('rejects a 2xx status, media type or route the document does not list', async () => {
    await expect(checker.check(get('/things/1'), json(201, { id: '1', size: 3 }))).rejects.toThrow(
      'does not document',
    )
    await expect(checker.check(get('/events'), json(200, {}))).rejects.toThrow('media type')
    await expect(checker.check(get('/nothing'), json(200, {}))).rejects.toThrow('does not list')
  })

  it('rejects a 4xx outside the Error shape', async () => {
    await expect(checker.check(get('/things/1'), json(404, { message: 'no' }))).rejects.toThrow(
      'Error schema',
    )
    await expect(
      checker.check(get('/things/1'), new Response('no', { status: 404 })),
    ).rejects.toThrow('not JSON')
  })

  it('rejects a stack trace in a body and an internal path in a header', async () => {
    const trace = { error: { code: 'E', message: 'Error: x\n    at run (main.js:1:1)' } }
    await expect(checker.check(get('/x'), json(404, trace))).rejects.toThrow('leaks')
    await expect(
      checker.check(get('/x'), json(404, error, { 'X-Debug': 'src/app.ts:12' })),
    ).rejects.toThrow('header x-debug leaks')
  })

  it('rejects an event stream that ends before its first event', async () => {
    await checker.check(get('/events'), events('retry: 3000\n\nevent: metrics\n'))
    await expect(checker.check(get('/events'), events(''))).rejects.toThrow('ended before')
  })
})
