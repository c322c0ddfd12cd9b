/** Bytes per unit; `KB`/`MB`/`GB`/`TB` are decimal (1000), `KiB`/`MiB`/`GiB`/`TiB` binary (1024). */
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
}

const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i

/** Bytes of a valid size, or the rule an invalid one breaks. */
export type ByteSizeReading = { bytes: number } | { rule: string }

/** The rule every byte-size setting states when its value cannot be read. */
export const BYTE_SIZE_RULE =
  "expected a number of bytes or a size with a unit B, KB, MB, GB, KiB, MiB or GiB, e.g. '64MiB'"

/**
 * Reads a byte size: a number of bytes or a string such as `'512KiB'`, `'64MiB'`, `'1GiB'` or
 * `'10MB'` (units are case-insensitive; an `i` means powers of 1024). Rounds to whole bytes and
 * never throws, so the caller reports the rule with the setting's path and source.
 *
 * @example
 * readByteSize('64MiB') // { bytes: 67_108_864 }
 * readByteSize('10 parsecs') // { rule: "expected a number of bytes or a size with a unit …" }
 */
export function readByteSize(value: unknown): ByteSizeReading {
  let bytes: number
  if (typeof value === 'number') {
    bytes = value
  } else if (typeof value === 'string') {
    const match = SIZE_PATTERN.exec(value.trim())
    const unit = match && UNIT_BYTES[(match[2] || 'b').toLowerCase()]
    if (!match || unit === undefined || unit === null) return { rule: BYTE_SIZE_RULE }
    bytes = Number(match[1]) * unit
  } else {
    return { rule: BYTE_SIZE_RULE }
  }
  if (!Number.isFinite(bytes)) return { rule: 'must be a finite number of bytes' }
  if (bytes < 0) return { rule: 'must not be negative' }
  return { bytes: Math.round(bytes) }
}
