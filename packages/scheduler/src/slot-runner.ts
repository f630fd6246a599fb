import type { Dataset, Logger, SourceName } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { runJob, type CollectorRegistry, type JobResult, type JobSpec } from '@kmd/pipeline'
import { alertForError, alertForRun, type Alert } from './alerts.ts'
import { seoulDate, seoulTime } from './cron-slots.ts'
import type { SchedulerMetrics } from './metrics.ts'
import type { JobDefinition } from './schedule-config.ts'
import { finishSlot, type SlotOutcome } from './slot-claims.ts'

/** A job whose dataset has a collector, so runJob can load it. */
export type RunnableJob = JobDefinition & { dataset: JobSpec['dataset'] }

/** Whether the registry has a collector for this source and dataset. */
export function hasCollector(collectors: CollectorRegistry, source: SourceName, dataset: Dataset): dataset is JobSpec['dataset'] {
  const bySource = collectors[source] as Partial<Record<string, unknown>> | undefined
  return typeof bySource?.[dataset] === 'function'
}

export interface SlotRunContext {
  database: MarketDatabase
  logger: Logger
  collectors: CollectorRegistry
  metrics: SchedulerMetrics
  signal: AbortSignal
  holder: string
  host: string
  partialRejectRatio: number
  refreshAggregates: boolean | undefined
  completenessThreshold: number | undefined
  alert(alert: Alert): Promise<void>
}

export interface SlotRecord {
  job: string
  slot: Date
  tradeDate: string
  outcome: SlotOutcome
  result: JobResult | undefined
  finishedAt: Date
}

/**
 * Runs one claimed slot: runJob for the slot's trade date in Korea (a non-trading day ends
 * SKIPPED there, without asking the source), then records the outcome in schedule_slots and the
 * metrics, and raises the alert the result deserves. Never throws.
 */
export async function runSlot(context: SlotRunContext, job: RunnableJob, slot: Date): Promise<SlotRecord> {
  const tradeDate = seoulDate(slot)
  const logger = context.logger.child({ job: job.name, slot: seoulTime(slot) })
  const started = performance.now()
  let result: JobResult | undefined
  let outcome: SlotOutcome
  let alert: Alert | undefined
  try {
    result = await runJob(
      {
        database: context.database,
        logger,
        collectors: context.collectors,
        signal: context.signal,
        refreshAggregates: context.refreshAggregates,
        completenessThreshold: context.completenessThreshold,
      },
      { dataset: job.dataset, source: job.source, tradeDate, trigger: 'schedule' },
    )
    outcome = result.status
    context.metrics.recordRun(result, (performance.now() - started) / 1000, new Date())
    alert = alertForRun(result, { job: job.name, slot, host: context.host }, context.partialRejectRatio)
  } catch (error) {
    outcome = 'ERROR'
    logger.error({ err: error }, 'the scheduled run could not be carried out')
    alert = alertForError(error, { job: job.name, dataset: job.dataset, source: job.source, tradeDate, slot, host: context.host })
  }
  try {
    await finishSlot(context.database.db, job.name, slot, context.holder, outcome)
  } catch (error) {
    logger.error({ err: error, outcome }, 'could not record how the slot ended')
  }
  context.metrics.recordSlot(job.name, outcome)
  if (outcome === 'ABORTED') logger.warn('slot aborted before promotion: production untouched; the slot may be claimed again')
  if (alert) await context.alert(alert)
  return { job: job.name, slot, tradeDate, outcome, result, finishedAt: new Date() }
}
