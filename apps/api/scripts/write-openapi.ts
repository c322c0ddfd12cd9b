import { writeFileSync } from 'node:fs'
import { OPENAPI_DOC, renderOpenApiDocument } from './openapi-document.js'

// Writes docs/openapi.json from the API's routes. Run after changing a route, a schema or the
// API's version: `pnpm --filter @bi-perf/api docs:openapi`.

writeFileSync(OPENAPI_DOC, await renderOpenApiDocument())
process.stderr.write(`wrote ${OPENAPI_DOC}\n`)
