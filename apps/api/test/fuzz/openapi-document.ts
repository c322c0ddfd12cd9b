/** A JSON Schema as an OpenAPI 3.1 document holds it (the keywords the fuzz reads). */
export interface JsonSchema {
  $ref?: string
  allOf?: JsonSchema[]
  type?: string | string[]
  enum?: unknown[]
  example?: unknown
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minLength?: number
  maxLength?: number
  pattern?: string
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  [keyword: string]: unknown
}

/** A response of an operation: its media types and their schemas. */
export interface ResponseObject {
  description: string
  content?: Record<string, { schema?: JsonSchema }>
}

interface ParameterObject {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema: JsonSchema
}

interface OperationObject {
  security?: unknown[]
  parameters?: ParameterObject[]
  requestBody?: {
    required?: boolean
    content: Record<string, { schema: JsonSchema }>
  }
  responses: Record<string, ResponseObject>
}

/** The parts of `/openapi.json` the fuzz reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>
  components: { schemas: Record<string, JsonSchema> }
}

/** One documented operation, flattened: what a request to it may carry and what it may answer. */
export interface Operation {
  /** Upper case, e.g. `POST`. */
  method: string
  /** The documented template, e.g. `/performance/optimize/{profile}`. */
  path: string
  /** Whether the document asks for a bearer token. */
  secured: boolean
  pathParameters: ParameterObject[]
  queryParameters: ParameterObject[]
  body: { required: boolean; mediaType: string; schema: JsonSchema } | undefined
  responses: Record<string, ResponseObject>
}

/** Every operation of the document, in document order. */
export function listOperations(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? []
      const media = Object.entries(operation.requestBody?.content ?? {})[0]
      operations.push({
        method: method.toUpperCase(),
        path,
        secured: (operation.security ?? []).length > 0,
        pathParameters: parameters.filter((parameter) => parameter.in === 'path'),
        queryParameters: parameters.filter((parameter) => parameter.in === 'query'),
        body: media
          ? {
              required: operation.requestBody?.required ?? false,
              mediaType: media[0],
              schema: media[1].schema,
            }
          : undefined,
        responses: operation.responses,
      })
    }
  }
  return operations
}

/**
 * A schema with its `$ref` followed and its `allOf` merged (the document uses `allOf` only to
 * add a description to a reference), so generators see the keywords directly.
 */
export function schemaResolver(document: OpenApiDocument): (schema: JsonSchema) => JsonSchema {
  const resolve = (schema: JsonSchema): JsonSchema => {
    if (schema.$ref !== undefined) {
      const name = schema.$ref.replace('#/components/schemas/', '')
      const target = document.components.schemas[name]
      if (!target) throw new Error(`unresolved $ref ${schema.$ref}`)
      const rest = { ...schema }
      delete rest.$ref
      return resolve({ ...target, ...rest })
    }
    if (schema.allOf !== undefined) {
      const { allOf, ...rest } = schema
      return allOf.reduce<JsonSchema>((merged, part) => ({ ...merged, ...resolve(part) }), rest)
    }
    return schema
  }
  return resolve
}
