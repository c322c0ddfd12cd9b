import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import type { FuzzRequest } from './fuzz-request.js'
import type { JsonSchema, OpenApiDocument, Operation } from './openapi-document.js'

/** Where the document's component schemas live inside the validator. */
const COMPONENTS = 'urn:bi-perf:openapi-components'

/** The document's `#/components/schemas/X` references, pointed at {@link COMPONENTS}. */
function pointRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointRefs)
  if (value === null || typeof value !== 'object') return value
  const copy: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    copy[key] =
      key === '$ref' && typeof inner === 'string'
        ? inner.replace('#/components/schemas/', `${COMPONENTS}#/$defs/`)
        : pointRefs(inner)
  }
  return copy
}

/** A path template as a regular expression: `{name}` is one segment, a trailing `/` is optional. */
function templateRegExp(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+')
  return new RegExp(`^${source}/?$`)
}

/**
 * The routes the document leaves out on purpose (openapi.test.ts lists them too): the dashboard
 * page and its files, and the Swagger UI's files. A generated path can reach them once the URL
 * parser resolves its dot segments (`/metrics/%2e%2e` is `/`).
 */
const STATIC_ROUTES = [/^\/$/, /^\/dashboard\/.+/, /^\/docs\/[^/]+$/]

/** The first block of an event stream (up to its blank line), then cancels the stream. */
async function firstEvent(body: ReadableStream<Uint8Array> | null): Promise<string | undefined> {
  if (!body) return undefined
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (!text.includes('\n\n')) {
      const { done, value } = await reader.read()
      if (done) return undefined
      text += decoder.decode(value, { stream: true })
    }
    return text.slice(0, text.indexOf('\n\n'))
  } finally {
    await reader.cancel()
  }
}

/** A check a response failed, with what was sent and what came back. */
export class ResponseCheckError extends Error {
  override name = 'ResponseCheckError'
}

/**
 * Checks responses against the document: no 5xx; no stack trace or internal path in the body or
 * a header; every 4xx body valid against the document's `Error` schema; every 2xx documented for
 * its operation, with its documented media type and, for JSON, a body valid against the
 * documented schema (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
 */
export class ResponseChecker {
  readonly #ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true })
  readonly #validators = new Map<JsonSchema, ValidateFunction>()
  readonly #errorSchema: ValidateFunction
  readonly #templates: { operation: Operation; pattern: RegExp }[]
  readonly #leakMarkers: readonly string[]

  constructor(
    document: OpenApiDocument,
    operations: readonly Operation[],
    leakMarkers: readonly string[],
  ) {
    // OpenAPI 3.1 adds `example` to JSON Schema; it annotates, it does not validate.
    this.#ajv.addKeyword('example')
    this.#ajv.addSchema({ $id: COMPONENTS, $defs: pointRefs(document.components.schemas) })
    const error = document.components.schemas['Error']
    if (!error) throw new Error('the document has no Error schema in its components')
    this.#errorSchema = this.#ajv.compile({ $ref: `${COMPONENTS}#/$defs/Error` })
    this.#templates = operations.map((operation) => ({
      operation,
      pattern: templateRegExp(operation.path),
    }))
    this.#leakMarkers = leakMarkers
  }

  /** The documented operation a method and URL reach, if any (HEAD reaches GET). */
  operationFor(method: string, url: string): Operation | undefined {
    const path = new URL(url, 'http://localhost').pathname
    const wanted = method === 'HEAD' ? 'GET' : method
    return this.#templates.find(
      (entry) => entry.operation.method === wanted && entry.pattern.test(path),
    )?.operation
  }

  /**
   * Reads and checks one response; throws a {@link ResponseCheckError} naming the broken rule.
   * A 200 event stream is checked for its media type and a first event, then cancelled.
   */
  async check(request: FuzzRequest, response: Response): Promise<void> {
    const operation = this.operationFor(request.method, request.url)
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim()
    const fail = (rule: string, body: string) => {
      throw new ResponseCheckError(
        `${rule}\n  got ${response.status} ${mediaType || '(no content type)'}: ${body.slice(0, 500)}`,
      )
    }

    for (const [name, value] of response.headers) {
      const marker = this.#leakMarkers.find((leak) => value.includes(leak))
      if (marker) fail(`header ${name} leaks ${JSON.stringify(marker)}: ${value}`, '')
    }
    if (response.status === 200 && mediaType === 'text/event-stream') {
      if (operation?.responses['200']?.content?.['text/event-stream'] === undefined)
        fail('an event stream where the document lists none', '')
      const first = await firstEvent(response.body)
      if (first === undefined) fail('an event stream that ended before its first event', '')
      const marker = this.#leakMarkers.find((leak) => first!.includes(leak))
      if (marker) fail(`the first event leaks ${JSON.stringify(marker)}`, first!)
      return
    }

    const body = await response.text()
    const marker = this.#leakMarkers.find((leak) => body.includes(leak))
    if (marker) fail(`the body leaks ${JSON.stringify(marker)}`, body)
    if (response.status >= 500) fail('a 5xx', body)
    if (response.status < 200 || (response.status >= 300 && response.status < 400))
      fail('a status that is neither 2xx nor 4xx', body)

    if (request.method === 'HEAD' || (request.method === 'OPTIONS' && response.status === 204)) {
      if (body !== '') fail(`a body on a ${request.method} answer`, body)
      return
    }
    if (response.status >= 400) {
      if (mediaType !== 'application/json') fail('a 4xx that is not JSON', body)
      this.#validate(this.#errorSchema, body, 'the documented Error schema', fail)
      return
    }

    if (!operation) {
      const path = new URL(request.url, 'http://localhost').pathname
      if (request.method === 'GET' && STATIC_ROUTES.some((route) => route.test(path))) return
      fail('a 2xx for a method and path the document does not list', body)
    }
    const documented = operation!.responses[String(response.status)]
    if (!documented)
      fail(
        `a ${response.status}, which ${operation!.method} ${operation!.path} does not document`,
        body,
      )
    const media = documented?.content?.[mediaType]
    if (!media)
      fail(`media type ${mediaType}, which the document does not list for this status`, body)
    if (mediaType === 'application/json' && media?.schema)
      this.#validate(this.#validator(media.schema), body, 'its documented schema', fail)
  }

  #validator(schema: JsonSchema): ValidateFunction {
    let validate = this.#validators.get(schema)
    if (!validate) {
      validate = this.#ajv.compile(pointRefs(schema) as object)
      this.#validators.set(schema, validate)
    }
    return validate
  }

  #validate(
    validate: ValidateFunction,
    body: string,
    against: string,
    fail: (rule: string, body: string) => never,
  ): void {
    let value: unknown
    try {
      value = JSON.parse(body)
    } catch {
      fail('a body that is not JSON', body)
    }
    if (!validate(value))
      fail(`a body that does not match ${against}: ${this.#ajv.errorsText(validate.errors)}`, body)
  }
}
