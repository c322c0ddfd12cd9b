/**
 * The one duration test table: what `readDuration` accepts and the rule each rejected value
 * breaks. `src/duration.test.ts` runs it; each package's own duration test takes an `invalid`
 * case from here to check that its parser throws its typed error, instead of restating the table.
 * Test-only: exported as `@bi-perf/internal/test/duration-cases`, never bundled into a build.
 */
export const durationCases = {
  /** Accepted values and their milliseconds. */
  valid: [
    { input: 250, ms: 250 },
    { input: '250ms', ms: 250 },
    { input: ' 90s ', ms: 90_000 },
    { input: '1.5m', ms: 90_000 },
    { input: '1h', ms: 3_600_000 },
    { input: '7d', ms: 604_800_000 },
  ],
  /** Rejected values and the rule each breaks (zero refused: `allowZero` is off by default). */
  invalid: [
    { input: 0, rule: /must be positive/ },
    { input: -1, rule: /must be positive/ },
    { input: Number.NaN, rule: /finite/ },
    { input: Number.POSITIVE_INFINITY, rule: /finite/ },
    { input: '10 parsecs', rule: /unit ms, s, m, h or d/ },
    { input: '', rule: /unit/ },
    { input: '-5s', rule: /unit/ },
    { input: {}, rule: /a number of milliseconds or a string/ },
    { input: null, rule: /a number of milliseconds or a string/ },
  ],
} as const satisfies {
  valid: readonly { input: unknown; ms: number }[]
  invalid: readonly { input: unknown; rule: RegExp }[]
}

/**
 * Runs `parse` on every rejected case of {@link durationCases} and returns what each threw (or
 * `undefined` when it did not throw), for a package's test that its parser raises its own typed
 * error with its code, the field and the rule.
 *
 * @example
 * for (const { error, rule } of durationRejections((value) => parseDuration('ttl', value))) {
 *   expect(error).toBeInstanceOf(InvalidDurationError)
 *   expect((error as Error).message).toMatch(rule)
 * }
 */
export function durationRejections(
  parse: (value: never) => unknown,
): { input: unknown; rule: RegExp; error: unknown }[] {
  return durationCases.invalid.map(({ input, rule }) => {
    try {
      parse(input as never)
      return { input, rule, error: undefined }
    } catch (error) {
      return { input, rule, error }
    }
  })
}
