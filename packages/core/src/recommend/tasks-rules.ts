import type { TaskQueueStatus } from '@bi-perf/tasks'
import type { SettingProposal } from './apply.js'
import { NO_SETTING, describeProposal, proposalApply } from './apply.js'
import { formatPercent, round } from './format.js'
import type { RecommendationRule, RuleContext, RuleFinding } from './rule.js'
import { defineRule, overWindow, readWindow, windowEvidence, windowLabel } from './rule.js'

/** Tasks waiting above which a growing backlog is worth acting on. */
const BACKLOG_THRESHOLD = 100
/** Growth of the backlog per minute above which it counts as growing. */
const BACKLOG_GROWTH_PER_MINUTE = 0
/** Share of attempts failing above which the failures need a look. */
const HIGH_FAILURE_RATE = 0.1
/** Share of attempts failing above which the queue is mostly failing. */
const CRITICAL_FAILURE_RATE = 0.5
/** Share of the window spent at maximum concurrency that counts as capped. */
const AT_MAX_SHARE = 0.9
/** Tasks waiting per unit of maximum concurrency, on average, for a capped queue to need more. */
const BACKLOG_PER_SLOT = 1
/** Mean CPU, percent, above which more concurrency in this process would only queue on it. */
const HIGH_CPU_PERCENT = 85

/** Doubling the concurrency maximum, e.g. `raise tasks.concurrency.max from 10 to 20`. */
function raiseConcurrencyMax(ctx: RuleContext): Pick<RuleFinding, 'action' | 'apply' | 'proposal'> {
  const from = ctx.metrics.tuning.tasks.concurrencyMax
  const proposal: SettingProposal = { setting: 'tasks.concurrency.max', from, to: 2 * from }
  return { action: describeProposal(proposal), apply: proposalApply(proposal), proposal }
}

/** The backlog keeps growing: tasks arrive faster than the workers finish them. */
export const tasksGrowingBacklog = defineRule('tasks.growing-backlog', 'tasks', (ctx) => {
  const tasks = ctx.metrics.tasks
  if (!tasks) return undefined
  const backlog = readWindow(ctx, 'tasks.backlog')
  if (!backlog) return undefined
  if (backlog.slopePerMinute <= BACKLOG_GROWTH_PER_MINUTE || backlog.last <= BACKLOG_THRESHOLD) {
    return undefined
  }
  const raise = raiseConcurrencyMax(ctx)
  const fix: Pick<RuleFinding, 'action' | 'apply' | 'proposal'> = tasks.worker
    ? { ...raise, action: `${raise.action}, or add worker processes` }
    : {
        action: `start worker processes for queue "${tasks.name}" (this process only enqueues)`,
        apply: NO_SETTING,
      }
  return {
    priority: 'high',
    title: `Task backlog grows by ${round(backlog.slopePerMinute, 1)}/min over ${windowLabel(ctx)} (${backlog.last} waiting)`,
    evidence: windowEvidence(
      ctx,
      'tasks.backlog.slopePerMinute',
      backlog.slopePerMinute,
      BACKLOG_GROWTH_PER_MINUTE,
      `backlog grew ${round(backlog.slopePerMinute, 1)} tasks/min ${overWindow(ctx)} to ${backlog.last} waiting (threshold ${BACKLOG_THRESHOLD} waiting and growing)`,
    ),
    ...fix,
  }
})

/** Many attempts fail. */
export const tasksHighFailureRate = defineRule('tasks.high-failure-rate', 'tasks', (ctx) => {
  const tasks = ctx.metrics.tasks
  if (!tasks) return undefined
  const failureRate = readWindow(ctx, 'tasks.failureRate')
  if (!failureRate || failureRate.mean <= HIGH_FAILURE_RATE) return undefined
  const critical = failureRate.mean > CRITICAL_FAILURE_RATE
  return {
    priority: critical ? 'critical' : 'high',
    title: `${formatPercent(failureRate.mean)} of task attempts fail over ${windowLabel(ctx)}`,
    evidence: windowEvidence(
      ctx,
      'tasks.failureRate.mean',
      failureRate.mean,
      critical ? CRITICAL_FAILURE_RATE : HIGH_FAILURE_RATE,
      `${formatPercent(failureRate.mean)} of task attempts failed ${overWindow(ctx)} (threshold ${formatPercent(critical ? CRITICAL_FAILURE_RATE : HIGH_FAILURE_RATE)})`,
    ),
    action: failedTasksAction(tasks),
    apply: NO_SETTING,
  }
})

function failedTasksAction(tasks: TaskQueueStatus): string {
  return `read the errors of the ${tasks.counts.failed} failed tasks of queue "${tasks.name}" (tasks.failed()) and fix their cause, then requeue them with tasks.retryFailed()`
}

/** Workers run at the autoscaler's maximum while tasks wait: the maximum caps throughput. */
export const tasksConcurrencyAtMax = defineRule('tasks.concurrency-at-max', 'tasks', (ctx) => {
  if (!ctx.metrics.tasks?.worker) return undefined
  const atMax = readWindow(ctx, 'tasks.atMax')
  const backlog = readWindow(ctx, 'tasks.backlog')
  if (!atMax || !backlog || atMax.mean < AT_MAX_SHARE) return undefined
  // Delayed retries count as backlog too: only a queue that fills every slot again needs more.
  if (backlog.mean < BACKLOG_PER_SLOT * ctx.metrics.tuning.tasks.concurrencyMax) return undefined
  const cpu = ctx.history.window('system.cpu', ctx.windowMs)
  // More concurrency in a CPU-bound process only queues on the CPU: spread it over processes.
  const fix: Pick<RuleFinding, 'action' | 'apply' | 'proposal'> =
    cpu && cpu.mean > HIGH_CPU_PERCENT
      ? {
          action: `add worker processes rather than concurrency: CPU is at ${round(cpu.mean, 1)}% (tasks.concurrency.max stays ${ctx.metrics.tuning.tasks.concurrencyMax})`,
          apply: NO_SETTING,
        }
      : raiseConcurrencyMax(ctx)
  return {
    priority: 'medium',
    title: `Workers ran at maximum concurrency ${formatPercent(atMax.mean)} of the time over ${windowLabel(ctx)} with ${round(backlog.mean, 1)} tasks waiting on average`,
    evidence: windowEvidence(
      ctx,
      'tasks.atMax.mean',
      atMax.mean,
      AT_MAX_SHARE,
      `at maximum concurrency ${ctx.metrics.tuning.tasks.concurrencyMax} in ${formatPercent(atMax.mean)} of samples ${overWindow(ctx)}, ${round(backlog.mean, 1)} tasks waiting on average (threshold ${formatPercent(AT_MAX_SHARE)})`,
    ),
    ...fix,
  }
})

/** The task rules, in the order they are documented. */
export const tasksRules: readonly RecommendationRule[] = [
  tasksGrowingBacklog,
  tasksHighFailureRate,
  tasksConcurrencyAtMax,
]
