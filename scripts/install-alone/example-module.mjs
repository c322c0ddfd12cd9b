// Turns a README example into a module Node runs as it is: the names the README leaves to the
// reader come first (as globals, so they never clash with the example's own declarations), types
// are stripped with TypeScript's own transpiler, and what the example leaves open is closed after.
import ts from 'typescript'

/**
 * @param {{ language: 'ts' | 'js', code: string }} example from `firstExample`
 * @param {{ placeholders?: string, epilogue?: string, rewrites?: [string, string][] }} scenario
 *   `rewrites` replace text of the example (each must occur, so a changed README is noticed)
 * @returns {string} the source of an ES module
 */
export function exampleModule(example, { placeholders = '', epilogue = '', rewrites = [] } = {}) {
  let code = example.code
  for (const [from, to] of rewrites) {
    if (!code.includes(from))
      throw new Error(`the README example no longer contains ${JSON.stringify(from)}`)
    code = code.replaceAll(from, to)
  }
  const body = [
    code,
    epilogue && `\n// Closes what the example leaves running (a service would on shutdown).`,
    epilogue,
  ].join('\n')
  const javascript = example.language === 'ts' ? stripTypes(body) : body
  return [
    placeholders && `// The names the README leaves to the reader.\n${placeholders}\n`,
    javascript,
  ].join('\n')
}

/**
 * TypeScript → JavaScript, nothing else: modules, top-level await and modern syntax stay.
 *
 * @param {string} source
 */
export function stripTypes(source) {
  const { outputText, diagnostics = [] } = ts.transpileModule(source, {
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
  })
  if (diagnostics.length > 0) {
    const message = ts.flattenDiagnosticMessageText(diagnostics[0].messageText, '\n')
    throw new Error(`the README example does not parse as TypeScript: ${message}`)
  }
  return outputText
}
