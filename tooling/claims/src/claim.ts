/** What a seed claim promises: a range of improvement, or a ceiling (monitoring overhead). */
export type ClaimedRange =
  | { kind: 'range'; low: number; high: number; unit: string }
  | { kind: 'below'; limit: number; unit: string }

/** One claim as measured. `figure` is undefined when the measurement could not run. */
export interface ClaimResult {
  /** The seed's wording, e.g. "40–60 % faster dashboard loading with caching". */
  claim: string
  claimed: ClaimedRange
  figure: number | undefined
  /** One line on how the figure was measured, for the table. */
  how: string
  /** Markdown paragraphs and tables with the raw figures behind the claim. */
  details: string[]
  /** Why the figure is missing, or a caveat shown in the verdict. */
  note?: string
}

/** The verdict on one figure: does the measurement support the claim as worded? */
export type Verdict = 'yes' | 'yes, above the range' | 'no, below the range' | 'no' | 'not measured'

/**
 * Judges a figure against the claimed range: inside it holds; above it holds and is said so (a
 * claim that undersells is still true); below it, or any figure at the wrong side of zero, does
 * not hold. A ceiling claim holds when the figure is under the limit.
 *
 * @example
 * judge({ kind: 'range', low: 40, high: 60, unit: '%' }, 72) // 'yes, above the range'
 */
export function judge(claimed: ClaimedRange, figure: number | undefined): Verdict {
  if (figure === undefined || Number.isNaN(figure)) return 'not measured'
  if (claimed.kind === 'below') return figure < claimed.limit ? 'yes' : 'no'
  if (figure > claimed.high) return 'yes, above the range'
  if (figure >= claimed.low) return 'yes'
  return figure > 0 ? 'no, below the range' : 'no'
}

/** The claimed range as the seed words it: `40–60 %`, `< 1 %`. */
export function formatClaimed(claimed: ClaimedRange): string {
  return claimed.kind === 'range'
    ? `${claimed.low}–${claimed.high} ${claimed.unit}`
    : `< ${claimed.limit} ${claimed.unit}`
}
