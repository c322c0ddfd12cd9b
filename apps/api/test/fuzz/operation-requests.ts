import fc from 'fast-check'
import { authCases, type AuthCase } from './auth-cases.js'
import { printable, type FuzzRequest } from './fuzz-request.js'
import type { JsonSchema, Operation } from './openapi-document.js'
import {
  encodeComponent,
  extraHeaders,
  holdsNoMarker,
  RAW_FRAGMENTS,
  type RequestContext,
} from './request-parts.js'
import {
  boundaryValue,
  HOSTILE_STRINGS,
  malformedValue,
  nested,
  validValue,
  type Resolve,
} from './schema-values.js'

/** Raw bodies: broken JSON, JSON of the wrong shape, prototype keys, BOM, duplicates. */
const RAW_BODIES = [
  '',
  '{',
  '}',
  '[',
  'null',
  '[]',
  '"text"',
  '1',
  'true',
  '{"a":}',
  '{"count":1,}',
  "{'count':1}",
  'NaN',
  '{"count":1e999}',
  '{"count":-0}',
  '\ufeff{"count":1}',
  '{"__proto__":{"polluted":true},"count":1}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"count":1,"count":"x"}',
  '{"count":1} trailing',
  '{"pattern":"\\ud800"}',
  '{"tags":["\\u0000"]}',
]

/** Body sizes around the 1 MiB default body limit. */
const HUGE_SIZES = [1024 * 1024 - 64, 1024 * 1024 + 1, 3 * 1024 * 1024]

/** Content types a JSON body is sent with besides the documented one. */
const OTHER_CONTENT_TYPES = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/json; charset=utf-16',
  'application/JSON',
  'application/vnd.api+json',
  'application/xml',
  'application/json, text/plain',
]

/** A value as a URL component: encoded, or (for the raw fragments) as it is. */
function urlValue(resolve: Resolve, schema: JsonSchema, validOnly: boolean) {
  const encoded = (arbitrary: fc.Arbitrary<unknown>) =>
    arbitrary.map((value) =>
      encodeComponent(typeof value === 'string' ? value : JSON.stringify(value)),
    )
  if (validOnly) return encoded(validValue(schema, resolve))
  return fc.oneof(
    { arbitrary: encoded(validValue(schema, resolve)), weight: 5 },
    { arbitrary: encoded(boundaryValue(schema, resolve)), weight: 3 },
    { arbitrary: encoded(fc.string({ unit: 'binary', maxLength: 80 })), weight: 1 },
    { arbitrary: fc.constantFrom(...RAW_FRAGMENTS, 'x'.repeat(5_000)), weight: 1 },
  )
}

/** The operation's path with each `{param}` filled. */
function pathOf(
  operation: Operation,
  context: RequestContext,
  validOnly: boolean,
): fc.Arbitrary<string> {
  const values: Record<string, fc.Arbitrary<string>> = {}
  for (const parameter of operation.pathParameters)
    values[parameter.name] = urlValue(context.resolve, parameter.schema, validOnly)
  return fc
    .record(values)
    .map((filled) =>
      operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => filled[name] ?? ''),
    )
}

/** A query string: documented parameters present or not, valid or not, repeated, plus unknown ones. */
function queryOf(
  operation: Operation,
  context: RequestContext,
  validOnly: boolean,
): fc.Arbitrary<string> {
  if (validOnly) {
    const pairs = operation.queryParameters.map((parameter) => {
      const pair = urlValue(context.resolve, parameter.schema, true).map((value) => [
        `${parameter.name}=${value}`,
      ])
      return parameter.required ? pair : fc.oneof(fc.constant([] as string[]), pair)
    })
    return fc
      .tuple(...pairs)
      .map((chosen) => (chosen.flat().length === 0 ? '' : `?${chosen.flat().join('&')}`))
  }
  const documented = operation.queryParameters.map((parameter) =>
    fc.oneof(
      { arbitrary: fc.constant([] as string[]), weight: parameter.required ? 1 : 3 },
      {
        arbitrary: urlValue(context.resolve, parameter.schema, false).map((value) => [
          `${parameter.name}=${value}`,
        ]),
        weight: 6,
      },
      {
        arbitrary: fc
          .array(urlValue(context.resolve, parameter.schema, false), {
            minLength: 2,
            maxLength: 3,
          })
          .map((values) => values.map((value) => `${parameter.name}=${value}`)),
        weight: 1,
      },
      { arbitrary: fc.constant([parameter.name]), weight: 1 },
    ),
  )
  const unknown = fc.array(
    fc
      .tuple(
        fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 12 })),
        fc.string({ maxLength: 20 }),
      )
      .map(([name, value]) => `${encodeComponent(name)}=${encodeComponent(value)}`),
    { maxLength: 2 },
  )
  return fc
    .tuple(fc.tuple(...documented), unknown, fc.boolean())
    .map(([pairs, extra, withUnknown]) => {
      const parts = [...pairs.flat(), ...(withUnknown ? extra : [])]
      return parts.length === 0 ? '' : `?${parts.join('&')}`
    })
}

/** The body and its `Content-Type`: valid, boundary, malformed, raw, huge or deeply nested. */
function bodyOf(
  operation: Operation,
  context: RequestContext,
  validOnly: boolean,
): fc.Arbitrary<{ body: string | undefined; contentType: string | undefined }> {
  const none = { body: undefined, contentType: undefined }
  if (operation.method === 'GET' || operation.method === 'HEAD') return fc.constant(none)
  const json = (arbitrary: fc.Arbitrary<unknown>) =>
    arbitrary.map((value) => JSON.stringify(value) ?? 'null')
  const schema = operation.body?.schema ?? {}
  if (validOnly) {
    if (!operation.body) return fc.constant(none)
    const contentType = operation.body.mediaType
    return json(validValue(schema, context.resolve)).map((body) => ({ body, contentType }))
  }
  const texts = fc.oneof(
    { arbitrary: json(validValue(schema, context.resolve)), weight: 5 },
    { arbitrary: json(boundaryValue(schema, context.resolve)), weight: 3 },
    { arbitrary: json(malformedValue(schema, context.resolve)), weight: 3 },
    { arbitrary: fc.constantFrom(...RAW_BODIES), weight: 2 },
    {
      arbitrary: fc
        .tuple(json(validValue(schema, context.resolve)), fc.nat())
        .map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))),
      weight: 1,
    },
    {
      arbitrary: fc
        .constantFrom(1_000, 10_000, 100_000, 400_000)
        .chain((depth) =>
          fc.constantFrom(
            `{"tags":${'['.repeat(depth)}${']'.repeat(depth)}}`,
            '['.repeat(depth),
            `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
          ),
        ),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom(...HUGE_SIZES).map((size) => `{"pattern":"${'x'.repeat(size)}"}`),
      weight: 1,
    },
    { arbitrary: json(fc.constant(nested(3_000))), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
  )
  const documentedType = operation.body?.mediaType ?? 'application/json'
  const contentTypes = fc.oneof(
    { arbitrary: fc.constant(documentedType), weight: 8 },
    { arbitrary: fc.constantFrom(...OTHER_CONTENT_TYPES), weight: 2 },
  )
  // A POST without a documented body still gets one now and then: the route must ignore it.
  const present = operation.body ? fc.constant(true) : fc.boolean()
  return fc
    .tuple(present, texts, contentTypes)
    .map(([send, body, contentType]) =>
      send ? { body, contentType } : { body: undefined, contentType: undefined },
    )
}

/**
 * The credential a valid request carries: the metrics token for `/metrics` (its bearer scheme is
 * that static token, not a JWT), an admin or viewer token elsewhere.
 */
function validAuth(operation: Operation): fc.Arbitrary<AuthCase> {
  if (operation.path === '/metrics') return fc.constant('metrics-token')
  return fc.constantFrom('admin', 'viewer')
}

/**
 * Requests to one documented operation: its method, its path with valid, boundary and hostile
 * parameters, query strings, credentials from valid admin and viewer tokens to junk, extra
 * headers, and bodies from schema-valid to invalid JSON, huge or deeply nested, under the
 * documented or another content type. A third are valid in every part (parameters, body and
 * content type as documented, a valid token), so the handlers' 2xx answers are checked too.
 */
export function operationRequests(
  operation: Operation,
  context: RequestContext,
): fc.Arbitrary<FuzzRequest> {
  const parts = (validOnly: boolean) =>
    fc.record({
      path: pathOf(operation, context, validOnly),
      query: queryOf(operation, context, validOnly),
      auth: validOnly ? validAuth(operation) : authCases,
      headers: extraHeaders(context),
      body: bodyOf(operation, context, validOnly),
    })
  return fc
    .oneof({ arbitrary: parts(true), weight: 1 }, { arbitrary: parts(false), weight: 2 })
    .map(({ path, query, auth, headers, body }) =>
      printable({
        method: operation.method,
        url: `${path}${query}`,
        auth,
        headers: body.contentType ? { ...headers, 'Content-Type': body.contentType } : headers,
        body: body.body,
      }),
    )
    .filter((request) => holdsNoMarker(request, context.leakMarkers))
}
