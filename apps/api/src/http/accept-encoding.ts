/** The content codings the API compresses with, and `identity` for none. */
export type ContentCoding = 'br' | 'gzip' | 'identity'

/**
 * Distinct `Accept-Encoding` values remembered with their answer. Clients send one value again
 * and again, so parsing it once saves work on every compressed response; past this many the
 * memo starts over, which bounds what a caller sending random values can make us keep.
 */
const MEMO_SIZE = 64
const memo = new Map<string, ContentCoding>()

/**
 * The coding to answer with under an `Accept-Encoding` header (RFC 9110 §12.5.3): the acceptable
 * coding of highest q-value among `br` and `gzip` (`*` stands for any coding not listed; q=0
 * refuses one), `br` when they tie, `identity` when neither is acceptable or the header is absent.
 *
 * @example
 * preferredCoding('gzip;q=1, br;q=0.5') // 'gzip'
 * preferredCoding('br;q=0, *') // 'gzip'
 */
export function preferredCoding(header: string | undefined): ContentCoding {
  if (header === undefined || header === '') return 'identity'
  const known = memo.get(header)
  if (known) return known
  const coding = negotiate(header)
  if (memo.size >= MEMO_SIZE) memo.clear()
  memo.set(header, coding)
  return coding
}

function negotiate(header: string): ContentCoding {
  let br: number | undefined
  let gzip: number | undefined
  let any: number | undefined
  for (const part of header.split(',')) {
    const [rawName = '', ...parameters] = part.split(';')
    const name = rawName.trim().toLowerCase()
    let q = 1
    for (const parameter of parameters) {
      const [key, value] = parameter.split('=')
      if (key?.trim().toLowerCase() === 'q') q = qValue(value)
    }
    if (name === 'br') br = q
    else if (name === 'gzip' || name === 'x-gzip') gzip = q
    else if (name === '*') any = q
  }
  const brQ = br ?? any ?? 0
  const gzipQ = gzip ?? any ?? 0
  if (brQ <= 0 && gzipQ <= 0) return 'identity'
  return brQ >= gzipQ ? 'br' : 'gzip'
}

/** A q-value between 0 and 1; anything unreadable counts as 0 (not acceptable). */
function qValue(text: string | undefined): number {
  const value = Number(text?.trim())
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : 0
}
