/**
 * The exit codes of `bi-performance` and `bi-perf`, in order: what {@link runCli} resolves with
 * (errors carry theirs as `CliError.exitCode`). `--help` and docs/cli.md print this table.
 */
export const EXIT_CODES: readonly { readonly code: 0 | 1 | 2; readonly meaning: string }[] =
  Object.freeze([
    { code: 0, meaning: 'ok; a degraded status counts as ok (the service answers)' },
    {
      code: 1,
      meaning: 'the checked thing failed: status down, a benchmark regression, an API error',
    },
    {
      code: 2,
      meaning: 'usage, configuration, connection or token error: nothing could be checked',
    },
  ])

/** The exit codes as `--help` lists them. */
export function exitCodesHelp(): string {
  return ['Exit codes:', ...EXIT_CODES.map(({ code, meaning }) => `  ${code}  ${meaning}`)].join(
    '\n',
  )
}
