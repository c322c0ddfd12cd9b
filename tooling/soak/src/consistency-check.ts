import type { ConsistencySamples, ReadSample, WriteSample } from './consistency-sampler.js'

/** An interval (epoch ms) during which the guarantee does not apply. */
export interface Interval {
  start: number
  end: number
}

/** One read that broke the guarantee. */
export interface Violation {
  key: string
  at: number
  /** What the reader returned (`null`: a miss). */
  read: number | null
  /** The newest version whose write completed at least the staleness bound before the read. */
  expectedAtLeast: number
  /** How long before the read that version's write completed, in ms. */
  writtenMsBefore: number
}

/** The verdict on the cache samples. */
export interface ConsistencyResult {
  writes: number
  /** Writes that fell back to the writer's in-process tier (Redis did not take them). */
  writesNotInRedis: number
  /** Calls the peer did not answer within its timeout. */
  writeTimeouts: number
  reads: number
  readTimeouts: number
  /** Reads made while the guarantee applies: outside every unsettled interval. */
  checkedReads: number
  /** Checked reads that returned an older version than the guarantee allows. */
  staleReads: number
  /**
   * Checked misses although the latest completed write reached Redis (kept with AOF) and the
   * reader's own Redis read did not fail.
   */
  unexpectedMisses: number
  /** Checked misses because the reader's Redis read failed or was skipped: a fallback. */
  missesOnFailedRead: number
  /** Up to 10 of each, for the report. */
  examples: Violation[]
  /**
   * Longest time a checked read still returned an older version after the newer write had
   * completed, in ms (compare with the staleness bound).
   */
  maxObservedStalenessMs: number
  /** The intervals excluded (Redis fault windows, a peer unsettled, writes Redis missed). */
  unsettledMs: number
}

/**
 * Judges the samples against packages/cache/README.md's consistency guarantee: once Redis and
 * the bus are reachable and every journal is replayed, no instance returns a value older than
 * the last write any instance completed, except its previous in-process copy for at most the
 * bus delivery time (`boundMs`); a write that fell back during an outage reads as a miss, never
 * as the value it replaced. Reads inside `faultWindows` (Redis faults plus grace), while a peer
 * reported itself unsettled (disconnected, breaker open, journal not empty, bus not
 * subscribed), or after a write Redis missed until the writer settled again, are not judged;
 * every other read is, against the writes that completed `boundMs` before it started (as seen
 * by the harness, so IPC delays only make the check more lenient, never wrong).
 *
 * @example
 * const result = checkConsistency(samples, redisWindows, 100)
 */
export function checkConsistency(
  samples: ConsistencySamples,
  faultWindows: readonly Interval[],
  boundMs: number,
): ConsistencyResult {
  const unsettled = [...faultWindows, ...unsettledPeers(samples), ...missedWrites(samples)]
  const byKey = new Map<string, WriteSample[]>()
  for (const write of samples.writes) {
    if (write.ackAt === undefined) continue
    const list = byKey.get(write.key) ?? []
    list.push(write)
    byKey.set(write.key, list)
  }
  for (const list of byKey.values()) list.sort((a, b) => a.ackAt! - b.ackAt!)

  const result: ConsistencyResult = {
    writes: samples.writes.length,
    writesNotInRedis: samples.writes.filter((write) => write.reached === false).length,
    writeTimeouts: samples.writes.filter((write) => write.ackAt === undefined).length,
    reads: samples.reads.length,
    readTimeouts: samples.reads.filter((read) => read.value === undefined).length,
    checkedReads: 0,
    staleReads: 0,
    unexpectedMisses: 0,
    missesOnFailedRead: 0,
    examples: [],
    maxObservedStalenessMs: 0,
    unsettledMs: unionLength(unsettled, samples),
  }
  for (const read of samples.reads) {
    if (read.value === undefined) continue
    if (overlaps(unsettled, read.sentAt - boundMs, read.replyAt ?? read.sentAt)) continue
    result.checkedReads++
    judge(read, byKey.get(read.key) ?? [], boundMs, result)
  }
  return result
}

function judge(
  read: ReadSample,
  writes: WriteSample[],
  boundMs: number,
  result: ConsistencyResult,
) {
  const completed = writes.filter((write) => write.ackAt! <= read.sentAt)
  const value = read.value ?? null
  if (value !== null) {
    // The first write newer than what was read, if it had completed before the read started.
    const newer = completed.find((write) => write.version > value)
    if (newer) {
      const staleFor = read.sentAt - newer.ackAt!
      result.maxObservedStalenessMs = Math.max(result.maxObservedStalenessMs, staleFor)
    }
  }
  const due = completed.filter((write) => write.ackAt! <= read.sentAt - boundMs).at(-1)
  if (!due) return
  const example = {
    key: read.key,
    at: read.sentAt,
    read: value,
    expectedAtLeast: due.version,
    writtenMsBefore: read.sentAt - due.ackAt!,
  }
  if (value !== null && value < due.version) {
    result.staleReads++
    if (result.examples.length < 10) result.examples.push(example)
  } else if (value === null && due.reached && read.redisFailed) {
    result.missesOnFailedRead++
  } else if (value === null && due.reached) {
    result.unexpectedMisses++
    if (result.examples.length < 10) result.examples.push(example)
  }
}

/** Each report of an unsettled peer covers the time since that peer's previous report. */
function unsettledPeers(samples: ConsistencySamples): Interval[] {
  const intervals: Interval[] = []
  for (const peer of ['writer', 'reader'] as const) {
    const states = samples.states.filter((sample) => sample.peer === peer)
    let previous = states[0]?.at ?? 0
    let openSince: number | undefined
    for (const sample of states) {
      if (!sample.healthy && openSince === undefined) openSince = previous
      if (sample.healthy && openSince !== undefined) {
        intervals.push({ start: openSince, end: sample.at })
        openSince = undefined
      }
      previous = sample.at
    }
    if (openSince !== undefined) intervals.push({ start: openSince, end: Infinity })
  }
  return intervals
}

/** A write Redis missed (or left unanswered) unsettles until the writer next reports healthy. */
function missedWrites(samples: ConsistencySamples): Interval[] {
  const healthyWriter = samples.states
    .filter((sample) => sample.peer === 'writer' && sample.healthy)
    .map((sample) => sample.at)
  return samples.writes
    .filter((write) => write.reached !== true)
    .map((write) => ({
      start: write.sentAt,
      end: healthyWriter.find((at) => at > (write.ackAt ?? write.sentAt)) ?? Infinity,
    }))
}

/** Total length of the intervals' union, within the sampling time. */
function unionLength(intervals: readonly Interval[], samples: ConsistencySamples): number {
  const last = samples.reads.reduce((max, read) => Math.max(max, read.replyAt ?? read.sentAt), 0)
  const sorted = [...intervals].sort((a, b) => a.start - b.start)
  let total = 0
  let reach = -Infinity
  for (const { start, end } of sorted) {
    const from = Math.max(start, reach)
    const to = Math.min(end, last)
    if (to <= from) continue
    total += to - from
    reach = to
  }
  return total
}

function overlaps(intervals: readonly Interval[], start: number, end: number): boolean {
  return intervals.some((interval) => interval.start <= end && interval.end >= start)
}
