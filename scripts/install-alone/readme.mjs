// What a package's README tells a user to do first: the packages its first `npm install` line
// adds, and its first TypeScript or JavaScript example.

const SCRIPT_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs'])
const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console'])

/**
 * The fenced code blocks of `markdown`, in order.
 *
 * @param {string} markdown
 * @returns {{ language: string, code: string }[]}
 */
export function codeBlocks(markdown) {
  const blocks = []
  let open
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```\s*([\w-]*)\s*$/.exec(line)
    if (open && fence && fence[1] === '') {
      blocks.push({ language: open.language, code: open.lines.join('\n') })
      open = undefined
    } else if (open) {
      open.lines.push(line)
    } else if (fence) {
      open = { language: fence[1].toLowerCase(), lines: [] }
    }
  }
  return blocks
}

/**
 * The README's first TypeScript or JavaScript block, the example a user copies first.
 *
 * @param {string} markdown
 * @returns {{ language: 'ts' | 'js', code: string } | undefined}
 */
export function firstExample(markdown) {
  const block = codeBlocks(markdown).find((candidate) => SCRIPT_LANGUAGES.has(candidate.language))
  if (!block) return undefined
  const typed = block.language === 'ts' || block.language === 'typescript'
  return { language: typed ? 'ts' : 'js', code: block.code }
}

/**
 * The packages of the first `npm install` (or `npm i`) line in the README's shell blocks, flags
 * and the trailing comment left out: `npm install @bi-perf/cache ioredis   # …` gives
 * `['@bi-perf/cache', 'ioredis']`.
 *
 * @param {string} markdown
 * @returns {string[] | undefined} `undefined` when the README has no such line
 */
export function firstInstall(markdown) {
  for (const block of codeBlocks(markdown)) {
    if (!SHELL_LANGUAGES.has(block.language)) continue
    for (const line of block.code.split('\n')) {
      const words = line
        .replace(/#.*/, '')
        .trim()
        .replace(/^\$\s*/, '')
        .split(/\s+/)
      if (words[0] !== 'npm' || !['install', 'i', 'add'].includes(words[1])) continue
      return words.slice(2).filter((word) => word !== '' && !word.startsWith('-'))
    }
  }
  return undefined
}
