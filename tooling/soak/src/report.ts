import { writeFileSync } from 'node:fs'
import { PHASES } from './phases.js'
import type { SoakReport } from './types.js'

/**
 * Writes `<base>.json` (the whole report) and `<base>.md` (its tables); `base` may end in
 * `.json` or `.md`, which is dropped.
 *
 * @example
 * writeReport(report, 'soak-2026-06-01') // soak-2026-06-01.json, soak-2026-06-01.md
 */
export function writeReport(report: SoakReport, base: string): { json: string; md: string } {
  const stem = base.replace(/\.(json|md)$/, '')
  const files = { json: `${stem}.json`, md: `${stem}.md` }
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(files.md, renderMarkdown(report))
  return files
}

/**
 * The report as Markdown: verdict and criteria first, then requests, latency, faults, tasks,
 * cache consistency, memory and shutdown.
 */
export function renderMarkdown(report: SoakReport): string {
  const { settings, traffic, tasks, consistency } = report
  const at = (epoch: number) => `+${((epoch - report.timeline.mainStart) / 1000).toFixed(1)} s`
  const lines: string[] = [
    `## Soak ${report.startedAt.slice(0, 10)}: ${report.passed ? 'PASS' : 'FAIL'}`,
    '',
    `Seed ${report.seed}; ${settings.durationMs / 1000} s after a ${settings.warmupMs / 1000} s warm-up; a fault every ${settings.faultEveryMs / 1000} s (${settings.rotation.join(' → ')}); ${settings.rate} req/s on ${settings.connections} keep-alive connections; grace ${settings.graceMs / 1000} s; ${report.machine.cores} cores, Node ${report.machine.node}. Logs: \`${report.dir}\`.`,
    '',
    '| criterion | verdict | evidence |',
    '| --- | --- | --- |',
    ...report.criteria.map(
      (c) =>
        `| ${c.name} | ${c.passed ? 'pass' : c.enforced ? '**FAIL**' : 'fail (report only)'} | ${cell(c.evidence)} |`,
    ),
    '',
    '### Requests and latency by phase',
    '',
    '| phase | answers | by status | 5xx | client errors | p50 ms | p99 ms |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
    ...PHASES.map((phase) => {
      const f = traffic.phases[phase]
      return `| ${phase} | ${f.responses} | ${statuses(f.byStatus)} | ${f.serverErrors} | ${f.clientErrors} | ${ms(f.p50Ms)} | ${ms(f.p99Ms)} |`
    }),
    '',
    'Client errors by phase and code:',
    '',
    ...PHASES.flatMap((phase) =>
      Object.entries(traffic.phases[phase].errorsByCode).map(
        ([code, count]) => `- ${phase}: ${code} × ${count}`,
      ),
    ),
    ...(traffic.examples.length
      ? ['', 'First failures:', '', ...traffic.examples.map((e) => `- ${e}`)]
      : []),
    ...(Object.keys(traffic.notes).length
      ? [
          '',
          'Not counted as errors:',
          '',
          ...Object.entries(traffic.notes).map(([note, count]) => `- ${note} × ${count}`),
        ]
      : []),
    '',
    '| request | by status |',
    '| --- | --- |',
    ...Object.entries(traffic.byKind).map(
      ([kind, counts]) => `| ${cell(kind)} | ${statuses(counts)} |`,
    ),
    '',
    '### Faults',
    '',
    '| at | fault | detail | component back | recovered after | probe |',
    '| --- | --- | --- | ---: | ---: | --- |',
    ...report.faults.map(
      (f) =>
        `| ${at(f.injectedAt)} | ${f.kind} | ${cell(f.detail)} | ${((f.restoredAt - f.injectedAt) / 1000).toFixed(1)} s | ${f.recoveredAt === undefined ? 'never' : `${((f.recoveredAt - f.injectedAt) / 1000).toFixed(1)} s`} | ${cell(f.lastProbe ?? 'green')} |`,
    ),
    '',
    '### Tasks',
    '',
    `Batches: ${tasks.batches.issued} sent, ${tasks.batches.accepted} accepted (202), refused ${statuses(tasks.batches.refused)}, ${tasks.batches.unanswered} unanswered. Tasks accepted ${tasks.accepted}; checked (accepted before the cut-off) ${tasks.checked}, completed ${tasks.completedChecked}, **lost ${tasks.lost}** (drain ${(report.drain.ms / 1000).toFixed(1)} s, ${report.drain.complete ? 'complete' : 'incomplete'}); after the cut-off ${tasks.acceptedAfterCutoff} accepted, ${tasks.completedAfterCutoff} completed.`,
    '',
    `Handler runs ${tasks.runs}; tasks run more than once ${tasks.tasksRunMoreThanOnce}: reruns after a worker crash ${tasks.rerunsAfterWorkerCrash}, after a failed attempt ${tasks.rerunsAfterFailedAttempt}, same attempt on a live worker ${tasks.rerunsSameAttempt}. Runs of refused enqueues ${tasks.runsOfRefusedEnqueues}; of enqueues answered as uncertain ${tasks.runsOfUncertainEnqueues}, of unanswered ones ${tasks.runsOfUnansweredEnqueues} (both allowed).`,
    ...tasks.rerunExamples.map((e) => `- ${e}`),
    '',
    '### Cache consistency',
    '',
    `Writes ${consistency.writes} (${consistency.writesNotInRedis} fell back, ${consistency.writeTimeouts} unanswered in 2 s); reads ${consistency.reads} (${consistency.readTimeouts} unanswered), ${consistency.checkedReads} judged outside ${(consistency.unsettledMs / 1000).toFixed(1)} s of unsettled time: **${consistency.staleReads} stale, ${consistency.unexpectedMisses} unexpected misses** (${consistency.missesOnFailedRead} misses where the reader's own Redis read failed: a fallback). Longest observed staleness ${consistency.maxObservedStalenessMs} ms (bound ${settings.stalenessBoundMs} ms).`,
    ...consistency.examples.map(
      (v) =>
        `- ${at(v.at)} ${v.key}: read ${v.read ?? 'miss'}, expected ≥ ${v.expectedAtLeast} (written ${v.writtenMsBefore} ms before)`,
    ),
    '',
    '### Memory (start = end of warm-up)',
    '',
    '| process | RSS start / middle / end MiB | heap start / middle / end MiB | event-loop p99 start / middle / end ms | RSS growth | heap growth |',
    '| --- | --- | --- | --- | ---: | ---: |',
    ...report.memory.map(
      (p) =>
        `| ${p.name} | ${[p.start?.rss, p.middle?.rss, p.end?.rss].map(mib).join(' / ')} | ${[p.start?.heapUsed, p.middle?.heapUsed, p.end?.heapUsed].map(mib).join(' / ')} | ${[p.start?.eldP99Ms, p.middle?.eldP99Ms, p.end?.eldP99Ms].map((v) => ms(v ?? null)).join(' / ')} | ${percent(p.rssGrowth)} | ${percent(p.heapGrowth)} |`,
    ),
    '',
    '### Shutdown (SIGTERM under load)',
    '',
    `The API's stdout went unread ${traffic.stall.seconds.toFixed(1)} s before the SIGTERM; meanwhile the load got ${traffic.stall.answersPerSecond.toFixed(0)} answers/s (${traffic.stall.answersPerSecondBefore.toFixed(0)}/s in the 10 s before), p99 ${ms(traffic.stall.p99Ms)} ms, ${traffic.stall.clientErrors} client errors.`,
    '',
    '| process | exit after | code | deadline | note |',
    '| --- | ---: | --- | ---: | --- |',
    ...report.exits.map(
      (e) =>
        `| ${e.name} | ${e.exitMs === null ? 'SIGKILLed' : `${e.exitMs} ms`} | ${e.code ?? e.signal} | ${e.deadlineMs} ms | ${e.stalledBuffer ? `stdout not read: ${(e.stalledBuffer.bytes / 1024).toFixed(0)} KiB unread in the harness${e.stalledBuffer.full ? ' (buffer full, pipe filling)' : ''}` : ''} |`,
    ),
    '',
  ]
  return lines.join('\n')
}

function statuses(counts: Record<string, number>): string {
  const entries = Object.entries(counts)
  return entries.length ? entries.map(([status, count]) => `${status}: ${count}`).join(', ') : '—'
}

function ms(value: number | null): string {
  return value === null ? '—' : value.toFixed(1)
}

function mib(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : (value / 1024 / 1024).toFixed(0)
}

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}
