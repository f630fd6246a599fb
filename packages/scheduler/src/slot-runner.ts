import type { Logger, SourceName } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { runDurationMs, runWithFallback, type CollectorRegistry, type JobSpec, type PartitionResult, type SourcePlan } from '@kmd/pipeline'
import { alertForError, alertForPartition, type Alert } from './alerts.ts'
import { seoulDate, seoulTime } from './cron-slots.ts'
import type { SchedulerMetrics } from './metrics.ts'
import type { JobDefinition } from './schedule-config.ts'
import { finishSlot, type SlotOutcome } from './slot-claims.ts'

/** A job some source of its plan can load: the plan it follows (its pinned source alone, if any) and those sources, in order. */
export type RunnableJob = JobDefinition & { dataset: JobSpec['dataset']; plan: SourcePlan; sources: readonly SourceName[] }

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
  stagingRetentionDays: number | undefined
  alert(alert: Alert): Promise<void>
}

export interface SlotRecord {
  job: string
  slot: Date
  tradeDate: string
  outcome: SlotOutcome
  /** The slot's runs (primary, fallbacks, gap fills) and how the partition stands after them. */
  partition: PartitionResult | undefined
  finishedAt: Date
}

/**
 * Runs one claimed slot through the job's source plan for the slot's trade date in Korea: the
 * primary, the next source when one fails, gap fills for the stocks a short answer left out (a
 * non-trading day ends SKIPPED at the first run, without asking the source). Then records the
 * partition's outcome in schedule_slots and the metrics, and raises the alert it deserves.
 * Never throws.
 */
export async function runSlot(context: SlotRunContext, job: RunnableJob, slot: Date): Promise<SlotRecord> {
  const tradeDate = seoulDate(slot)
  const logger = context.logger.child({ job: job.name, slot: seoulTime(slot) })
  let partition: PartitionResult | undefined
  let outcome: SlotOutcome
  let alert: Alert | undefined
  try {
    partition = await runWithFallback(
      {
        database: context.database,
        logger,
        collectors: context.collectors,
        signal: context.signal,
        refreshAggregates: context.refreshAggregates,
        completenessThreshold: context.completenessThreshold,
        stagingRetentionDays: context.stagingRetentionDays,
      },
      job.plan,
      { dataset: job.dataset, tradeDate, trigger: 'schedule' },
    )
    const finishedAt = new Date()
    for (const run of partition.attempts) context.metrics.recordRun(run, runDurationMs(run) / 1000, finishedAt)
    outcome = partition.status
    alert = alertForPartition(partition, { job: job.name, slot, host: context.host }, context.partialRejectRatio)
  } catch (error) {
    outcome = 'ERROR'
    logger.error({ err: error }, 'the scheduled run could not be carried out')
    alert = alertForError(error, { job: job.name, dataset: job.dataset, source: job.sources.join(' → '), tradeDate, slot, host: context.host })
  }
  try {
    await finishSlot(context.database.db, job.name, slot, context.holder, outcome)
  } catch (error) {
    logger.error({ err: error, outcome }, 'could not record how the slot ended')
  }
  context.metrics.recordSlot(job.name, outcome)
  if (outcome === 'ABORTED') logger.warn('slot aborted before promotion: production untouched; the slot may be claimed again')
  if (alert) await context.alert(alert)
  return { job: job.name, slot, tradeDate, outcome, partition, finishedAt: new Date() }
}
