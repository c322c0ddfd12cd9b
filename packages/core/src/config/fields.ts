import { readDuration } from '@bi-perf/internal'
import { z } from 'zod'
import { BYTE_SIZE_RULE, readByteSize } from './bytes.js'

// Builders for the value types the configuration schema repeats. Each states its rule in plain
// words as the zod error, so a ConfigIssue reads `must be an integer ≥ 1`, never zod's wording,
// and none of them echoes the value (it may be a secret).

/**
 * The error of a value's type check: `rule`, or `is required` when a required field is missing
 * (a schema's own error would otherwise say "expected a string" for a key that is not there).
 */
function typeError(rule: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : rule)
}

const DURATION_RULE = "expected milliseconds or a string with a unit ms, s, m, h or d, e.g. '30s'"

/**
 * What the generated example configuration (bi-perf.example.yaml) shows of a setting, given to
 * the schema with `.meta(setting({ … }))`: the schema is the one description of every setting.
 */
export interface SettingDoc {
  /** What the setting does; also its `.description`. */
  description: string
  /** Shown commented out, for a setting without a default. */
  example?: unknown
  /** What leaving out a setting without a default means: `profile`, `unset (in memory)`… */
  unset?: string
  /** Example entries shown commented out below a mapping or list. */
  entries?: readonly string[]
  /** How the environment variable is written when it is not a plain value: `JSON, e.g. …`. */
  envFormat?: string
}

/** A setting's {@link SettingDoc}, typed, for `.meta()`. */
export function setting(doc: SettingDoc): SettingDoc & Record<string, unknown> {
  return { ...doc }
}

/** The unit of a duration or size setting, found by the example generator. */
export type SettingUnit = 'duration' | 'size'

/**
 * A duration: milliseconds or a string such as `'30s'`, normalised to whole milliseconds.
 * Zero is refused unless `allowZero`; `minMs` sets a floor above that.
 */
export function duration({
  allowZero = false,
  minMs,
}: { allowZero?: boolean; minMs?: number } = {}) {
  return z
    .union([z.number(), z.string()], { error: typeError(DURATION_RULE) })
    .meta({ unit: 'duration' satisfies SettingUnit })
    .transform((value, ctx) => {
      const reading = readDuration(value, { allowZero })
      if ('rule' in reading) {
        ctx.issues.push({ code: 'custom', message: reading.rule, input: value })
        return z.NEVER
      }
      if (minMs !== undefined && reading.ms < minMs) {
        ctx.issues.push({ code: 'custom', message: `must be at least ${minMs}ms`, input: value })
        return z.NEVER
      }
      return reading.ms
    })
}

/** A byte size: a number of bytes or a string such as `'64MiB'`, normalised to whole bytes. */
export function byteSize({ min = 0 }: { min?: number } = {}) {
  return z
    .union([z.number(), z.string()], { error: typeError(BYTE_SIZE_RULE) })
    .meta({ unit: 'size' satisfies SettingUnit })
    .transform((value, ctx) => {
      const reading = readByteSize(value)
      if ('rule' in reading) {
        ctx.issues.push({ code: 'custom', message: reading.rule, input: value })
        return z.NEVER
      }
      if (reading.bytes < min) {
        const rule = `must be at least ${min} ${min === 1 ? 'byte' : 'bytes'}`
        ctx.issues.push({ code: 'custom', message: rule, input: value })
        return z.NEVER
      }
      return reading.bytes
    })
}

/** A whole number from `min` (to `max`, when given). */
export function integer(min: number, max?: number) {
  const error =
    max === undefined ? `must be an integer ≥ ${min}` : `must be an integer from ${min} to ${max}`
  const schema = z
    .number({ error: typeError(error) })
    .int({ error })
    .min(min, { error })
  return max === undefined ? schema : schema.max(max, { error })
}

/** A number from `min` to `max`, both included. */
export function numberBetween(min: number, max: number) {
  const error = `must be a number from ${min} to ${max}`
  return z
    .number({ error: typeError(error) })
    .min(min, { error })
    .max(max, { error })
}

/** A share strictly between 0 and 1, such as a heap limit of `0.7`. */
export function fraction() {
  const error = 'must be a number greater than 0 and less than 1, e.g. 0.7'
  return z
    .number({ error: typeError(error) })
    .gt(0, { error })
    .lt(1, { error })
}

/** Any finite number. */
export function finiteNumber() {
  return z.number({ error: typeError('expected a finite number') })
}

/** A string of at least one character. */
export function nonEmptyString() {
  return z.string({ error: typeError('expected a string') }).min(1, { error: 'must not be empty' })
}

/** A secret string of at least `minLength` characters; the rule never shows the value. */
export function secret(minLength: number) {
  const error = `must be a string of at least ${minLength} characters`
  return z.string({ error: typeError(error) }).min(minLength, { error })
}

/** One of `values`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: typeError(`expected one of ${values.join(', ')}`) })
}

/** A URL whose scheme is one of `schemes` (given without `://`) and that names a host. */
export function urlWithScheme(schemes: readonly string[]) {
  const error = `must be a ${schemes.map((scheme) => `${scheme}://`).join(' or ')} URL with a host`
  return z
    .string({ error: typeError(error) })
    .refine((value) => hasScheme(value, schemes), { error })
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(value)
    return schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== ''
  } catch {
    return false
  }
}

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/

/** A `host:port` pair (IPv6 hosts in brackets) with a port from 1 to 65535. */
export function hostPort() {
  const error = 'must be host:port with a port from 1 to 65535, e.g. redis-1:6379'
  return z.string({ error: typeError(error) }).refine(
    (value) => {
      const port = Number(HOST_PORT.exec(value)?.[1] ?? 0)
      return port >= 1 && port <= 65_535
    },
    { error },
  )
}

/** A PEM-encoded public key or certificate. */
export function pemPublicKey() {
  const error = 'must be a PEM public key or certificate (-----BEGIN PUBLIC KEY----- …)'
  return z
    .string({ error })
    .regex(/-----BEGIN (?:[A-Z0-9]+ )*(?:PUBLIC KEY|CERTIFICATE)-----/, { error })
}
