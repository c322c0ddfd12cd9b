import fc from 'fast-check'
import { authCases } from './auth-cases.js'
import { printable, type FuzzRequest } from './fuzz-request.js'
import type { Operation } from './openapi-document.js'
import {
  concretePath,
  encodeComponent,
  extraHeaders,
  holdsNoMarker,
  RAW_FRAGMENTS,
  type RequestContext,
} from './request-parts.js'
import { HOSTILE_STRINGS } from './schema-values.js'

/** File names under documented paths that are undocumented static assets (tested in browser-assets.test.ts). */
const ASSET_NAMES = new Set([
  'init.js',
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
])

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']

/** Names every plain object answers to: a lookup in `{}` by user input finds them. */
export const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
] as const

/**
 * Every prototype name as an extra segment of every documented path (GET, no token: a lookup
 * before auth is the worst case) and as every path parameter (documented method, admin token):
 * sent before the random requests, so these never depend on the seed.
 */
export function prototypeProbes(operations: readonly Operation[]): FuzzRequest[] {
  const probes: FuzzRequest[] = []
  const paths = new Set(operations.map((operation) => concretePath(operation.path)))
  for (const path of paths) {
    for (const name of PROTOTYPE_NAMES)
      probes.push(
        printable({
          method: 'GET',
          url: `${path}/${name}`,
          auth: 'none',
          headers: {},
          body: undefined,
        }),
      )
  }
  for (const operation of operations) {
    if (operation.pathParameters.length === 0) continue
    for (const name of PROTOTYPE_NAMES) {
      probes.push(
        printable({
          method: operation.method,
          url: operation.path.replace(/\{[^}]+\}/g, name),
          auth: 'admin',
          headers: {},
          body: undefined,
        }),
      )
    }
  }
  return probes
}

/**
 * Requests off the document: documented paths with methods they do not list, and documented
 * paths with an extra segment (`/docs/constructor`, `/health/live/%zz`). HEAD is not sent to the
 * event stream: hono answers HEAD by running GET and dropping the body, which would leave the
 * stream open with no reader to cancel it.
 */
export function strayRequests(
  operations: readonly Operation[],
  context: RequestContext,
): fc.Arbitrary<FuzzRequest> {
  const byPath = new Map<string, Operation[]>()
  for (const operation of operations)
    byPath.set(operation.path, [...(byPath.get(operation.path) ?? []), operation])
  const paths = [...byPath.keys()]
  const wrongMethod = fc.constantFrom(...paths).chain((path) => {
    const listed = new Set(byPath.get(path)!.map((operation) => operation.method))
    if (listed.has('GET')) listed.add('HEAD')
    const methods = METHODS.filter(
      (method) => !listed.has(method) && !(method === 'HEAD' && path.endsWith('/stream')),
    )
    return fc.record({ method: fc.constantFrom(...methods), url: fc.constant(concretePath(path)) })
  })
  const segment = fc
    .oneof(
      { arbitrary: fc.constantFrom(...PROTOTYPE_NAMES), weight: 2 },
      { arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map(encodeComponent), weight: 2 },
      { arbitrary: fc.constantFrom(...RAW_FRAGMENTS), weight: 1 },
      { arbitrary: fc.webSegment(), weight: 1 },
    )
    .filter((name) => name !== '' && !ASSET_NAMES.has(name))
  const subPath = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
    url: fc
      .tuple(fc.constantFrom(...paths), segment)
      .map(([path, name]) => `${concretePath(path)}/${name}`),
  })
  return fc
    .record({
      target: fc.oneof(wrongMethod, subPath),
      auth: authCases,
      headers: extraHeaders(context),
      withBody: fc.boolean(),
    })
    .map(({ target, auth, headers, withBody }) => {
      const body = withBody && target.method !== 'GET' && target.method !== 'HEAD'
      return printable({
        method: target.method,
        url: target.url,
        auth,
        headers: body ? { ...headers, 'Content-Type': 'application/json' } : headers,
        body: body ? '{}' : undefined,
      })
    })
    .filter((request) => holdsNoMarker(request, context.leakMarkers))
}
