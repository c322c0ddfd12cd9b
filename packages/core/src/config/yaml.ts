import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml'
import type { Document, Node } from 'yaml'
import { ConfigFileError } from '../errors.js'
import { SourceMap } from './sources.js'

/** A configuration file's settings and where each was written. */
export interface ConfigFileReading {
  values: Record<string, unknown>
  sources: SourceMap
}

/**
 * Parses the text of a YAML configuration file into plain values, recording `file:line:column`
 * of every key and value. An empty file (or one of comments) is `{}`; a key without a value
 * (`ttl:` or `ttl: null`) counts as unset, so a section whose settings are all commented out is
 * fine. Syntax errors throw a `ConfigFileError` naming each line, without quoting the file
 * (it may hold secrets).
 *
 * @param text the file's contents
 * @param file the file name as given, used in sources: `bi-perf.yaml:12:5`
 */
export function parseConfigYaml(text: string, file: string): ConfigFileReading {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false })
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0)
    return { line, col }
  }
  if (document.errors.length > 0) {
    const reasons = document.errors.map((error) => {
      const { line, col } = at(error.pos[0])
      return `line ${line}, column ${col}: ${error.message}`
    })
    throw new ConfigFileError(file, `invalid YAML at ${reasons.join('; ')}`)
  }
  const sources = new SourceMap()
  const source = (node: Node | null | undefined) => {
    const { line, col } = at(node?.range?.[0])
    return `${file}:${line}:${col}`
  }
  const contents = document.contents
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { values: {}, sources }
  }
  if (!isMap(contents)) {
    throw new ConfigFileError(
      file,
      `expected a mapping of settings at the top level (line ${at(contents.range?.[0]).line}), e.g. "cache:"`,
    )
  }
  const values = toPlain(document, contents, [], sources, source)
  return { values: values as Record<string, unknown>, sources }
}

function toPlain(
  document: Document,
  node: Node,
  path: readonly PropertyKey[],
  sources: SourceMap,
  source: (node: Node | null | undefined) => string,
): unknown {
  sources.setValue(path, source(node))
  const resolved = isAlias(node) ? node.resolve(document) : node
  if (isMap(resolved)) {
    const object: Record<string, unknown> = {}
    for (const pair of resolved.items) {
      const keyNode = pair.key as Node | null
      const key = String(isScalar(keyNode) ? keyNode.value : keyNode)
      sources.setKey([...path, key], source(keyNode))
      const valueNode = pair.value as Node | null
      if (valueNode === null || (isScalar(valueNode) && valueNode.value === null)) continue
      object[key] = toPlain(document, valueNode, [...path, key], sources, source)
    }
    return object
  }
  if (isSeq(resolved)) {
    return resolved.items.map((item, index) =>
      toPlain(document, item as Node, [...path, index], sources, source),
    )
  }
  return isScalar(resolved) ? resolved.value : undefined
}
