/** What became of one `POST /analytics/scrape`. */
export interface Batch {
  id: string
  /** Tasks asked for. */
  count: number
  /** Epoch ms when the request was built. */
  issuedAt: number
  /** The HTTP status, once answered. */
  status?: number
  /** Tasks the API said it queued (`enqueued` of a 202). */
  enqueued?: number
  /** The error code of a refusal (`error.code` of the body), e.g. `E_API_UNAVAILABLE`. */
  error?: string
  answeredAt?: number
}

/**
 * The harness's record of every scrape batch it asked for, keyed by batch id, so the task
 * ledger in PostgreSQL can be compared with what the API acknowledged: a 202 is a promise to run
 * every task at least once; another status is a refusal; no answer at all is unknown.
 *
 * @example
 * const id = batches.issue()
 * batches.answer(id, 202, '{"batchId":"…","enqueued":3}')
 */
export class BatchLedger {
  readonly batches = new Map<string, Batch>()
  #sequence = 0
  #latestAccepted: string | undefined

  constructor(
    readonly prefix: string,
    readonly count: number,
  ) {}

  /** A fresh batch id, recorded as issued. */
  issue(): string {
    const id = `${this.prefix}-${++this.#sequence}`
    this.batches.set(id, { id, count: this.count, issuedAt: Date.now() })
    return id
  }

  /** Records the answer to a batch's request. */
  answer(id: string | undefined, status: number, body: string) {
    const batch = id === undefined ? undefined : this.batches.get(id)
    if (!batch || batch.status !== undefined) return
    batch.status = status
    batch.answeredAt = Date.now()
    if (status !== 202) {
      batch.error = errorCode(body)
      return
    }
    try {
      const parsed = JSON.parse(body) as { enqueued?: unknown }
      batch.enqueued = typeof parsed.enqueued === 'number' ? parsed.enqueued : 0
    } catch {
      batch.enqueued = 0
    }
    this.#latestAccepted = batch.id
  }

  /** The latest batch the API accepted, for progress reads. */
  latestAccepted(): string | undefined {
    return this.#latestAccepted
  }

  /** Batches accepted (202) up to `until` (epoch ms of the answer). */
  accepted(until = Infinity): Batch[] {
    return [...this.batches.values()].filter(
      (batch) => batch.status === 202 && (batch.answeredAt ?? Infinity) <= until,
    )
  }
}

function errorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code
    return typeof code === 'string' ? code : undefined
  } catch {
    return undefined
  }
}
