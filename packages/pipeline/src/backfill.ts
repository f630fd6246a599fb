import { addDays, seoulDate, type DailyDataset, type Dataset, type SourceName, type TradeDate } from '@kmd/core'
import { detectCapabilities } from '@kmd/db'
import { RunAbandonedError, RunLedger, settleAggregateBacklog } from '@kmd/promoter'
import { partitionRuleFor, type PartitionShape } from './backfill-partitions.ts'
import { planBackfill, type BackfillRequest, type PlannedPartition } from './backfill-plan.ts'
import { BackfillProgress, type ProgressSnapshot } from './backfill-progress.ts'
import type { PipelineDeps } from './run-job.ts'
import { runWithFallback, type PartitionResult } from './run-with-fallback.ts'
import { DEFAULT_SOURCE_PLAN, describeSources, plannedSources, planWith, sourcesToTry, type SourcePlan } from './source-plan.ts'

export interface BackfillOptions extends Omit<BackfillRequest, 'sources'> {
  dataset: DailyDataset
  /** Each partition from the dataset's primary source, then its fallbacks and gap fills (default: DEFAULT_SOURCE_PLAN). */
  plan?: SourcePlan
  /** Only this source: no fallback, no gap fill. */
  source?: SourceName
  /** Partitions run at once, each worker along its own stretch of the range. 1 on the embedded database, which has one connection. */
  concurrency?: number
  /** Print the plan and change nothing. */
  dryRun?: boolean
  /** Today in Korea, against which a source's history limit is counted (default: the clock's). */
  today?: TradeDate
  /** Every planned partition, run or skipped, as a worker's plan reaches it (workers' stretches interleave; dry run: the whole plan, in order). */
  onPlanned?: (partition: PlannedPartition) => void
  /** After each partition's runs end (its primary, fallbacks and gap fills), with the counters so far. */
  onRun?: (partition: PartitionResult, progress: ProgressSnapshot) => void
}

export interface BackfillSummary extends ProgressSnapshot {
  dataset: DailyDataset
  /** The sources asked, in order: `krx → kis → naver`, or the pinned one. */
  source: string
  /** The source given with `source`, if any (to say the same command again). */
  pinned: SourceName | undefined
  from: TradeDate
  to: TradeDate
  reprocess: NonNullable<BackfillOptions['reprocess']>
  dryRun: boolean
  /** How the range was cut, and why. */
  partitioning: string
  /** Stopped by the signal before the plan was through. */
  aborted: boolean
  aggregatesRefreshed: string[]
  /** Settling the aggregates failed; the promoted rows stand, and their dates stay in aggregate_backlog for the next promotion or backfill. */
  refreshError: string | undefined
  /** Dead runs (of any dataset) found RUNNING at the start and marked ABANDONED, so the plan sees them as not loaded. */
  reapedAtStart: number
}

/** A backfill this process cannot run: no collector for the dataset from the plan's sources (or the pinned one). */
export class BackfillNotPossibleError extends Error {
  override readonly name = 'BackfillNotPossibleError'
}

/**
 * Loads a date range partition by partition, each through the source plan like a scheduled
 * slot (`runWithFallback`: primary, fallbacks, gap fills; each run logged with trigger
 * 'backfill' and the same partition claim as the scheduler's runs). Resumable: the plan skips what
 * the ledger says is loaded. A counting pass finds the partitions to run; each worker then
 * follows a lazy plan over its own stretch of them (`stretchesOf`), oldest first. Its
 * promotions leave the aggregates to the backlog (aggregate_backlog: the dates they wrote), and
 * the end of the backfill settles it once, from whole buckets; a killed backfill's backlog is
 * settled by the next promotion or backfill. `deps.signal` stops taking partitions and aborts running ones.
 */
export async function runBackfill(deps: PipelineDeps, options: BackfillOptions): Promise<BackfillSummary> {
  const plan = planWith(options.plan ?? DEFAULT_SOURCE_PLAN, options.dataset, options.source)
  // A dry run asks no source, so the plan's sources stand even where none is configured here.
  const sources = options.dryRun ? plannedSources(plan, options.dataset) : sourcesToTry(plan, options.dataset, deps.collectors)
  if (sources.length === 0) {
    throw new BackfillNotPossibleError(
      options.source ? `source "${options.source}" has no collector for ${options.dataset} in this process` : `no source of the plan (${describeSources(plan, options.dataset)}) has a collector for ${options.dataset} in this process`,
    )
  }
  if (options.from > options.to) throw new RangeError(`--from ${options.from} is after --to ${options.to}`)
  const historyDays = partitionRuleFor(sources[0]!, options.dataset)?.historyDays
  if (historyDays !== undefined) {
    const earliest = addDays(options.today ?? seoulDate(new Date()), -historyDays)
    if (options.from < earliest) {
      throw new BackfillNotPossibleError(
        `${sources[0]} keeps ${options.dataset} for ${historyDays} days: --from ${options.from} is before ${earliest}, the earliest day it still answers; start on or after it`,
      )
    }
  }
  const request: BackfillRequest = { ...options, sources }
  const { shape, partitioning } = backfillPartitioning(sources[0]!, options.dataset)
  const concurrency = options.concurrency ?? 1
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${concurrency}`)
  const { db } = deps.database
  const reprocess = options.reprocess ?? 'missing'
  // A killed earlier backfill left RUNNING rows and claims: the dead ones are closed before planning.
  const reapedAtStart = options.dryRun ? 0 : (await new RunLedger(deps.database).reap()).runs.length

  // A counting pass first, so progress has a total and an ETA; it reads the ledger only.
  let partitions = 0
  const runDates: TradeDate[] = []
  for await (const planned of planBackfill(db, shape, request)) {
    partitions += 1
    if (planned.action === 'run') runDates.push(planned.from)
    if (options.dryRun) options.onPlanned?.(planned)
  }
  const toRun = runDates.length
  const progress = new BackfillProgress(partitions, toRun)
  const summary = (aborted: boolean, aggregatesRefreshed: string[] = [], refreshError?: string): BackfillSummary => ({
    ...progress.snapshot(), dataset: options.dataset, source: sources.join(' → '), pinned: options.source, from: options.from, to: options.to, reprocess,
    partitioning, dryRun: options.dryRun ?? false, aborted, aggregatesRefreshed, refreshError, reapedAtStart,
  })
  if (options.dryRun) {
    for (let i = toRun; i < partitions; i++) progress.recordNotRun()
    return summary(false)
  }

  // One run lease for the whole backfill: its runs share it instead of taking one each.
  const lease = await new RunLedger(deps.database).lease()
  try {
    return await loadPlanned()
  } finally {
    await lease.release()
  }

  async function loadPlanned(): Promise<BackfillSummary> {
    // Each worker loads its own stretch of the range, oldest first, so the day before a
    // partition is usually in production when its rules look it up. Workers on neighbouring
    // days would judge most days against an older close: a band of several limit moves, the
    // change not compared (previous-close.ts), and a previous session to count completeness by.
    const stretches = stretchesOf(runDates, concurrency, options.from, options.to)
    const jobDeps: PipelineDeps = { ...deps, refreshAggregates: false }
    let failure: unknown
    let exhausted = 0
    const plannerOf = (stretch: { from: TradeDate; to: TradeDate }) => {
      const planned = planBackfill(db, shape, { ...request, ...stretch })
      return async (): Promise<PlannedPartition | undefined> => {
        while (!deps.signal?.aborted && failure === undefined) {
          const step = await planned.next()
          if (step.done) {
            exhausted += 1
            return undefined
          }
          options.onPlanned?.(step.value)
          if (step.value.action === 'run') return step.value
          progress.recordNotRun()
        }
        await planned.return(undefined)
        return undefined
      }
    }
    const worker = async (nextToRun: () => Promise<PlannedPartition | undefined>): Promise<void> => {
      try {
        for (let partition = await nextToRun(); partition; partition = await nextToRun()) {
          let result: PartitionResult
          try {
            result = await runWithFallback(jobDeps, plan, { dataset: options.dataset, tradeDate: partition.from, trigger: 'backfill' })
          } catch (error) {
            // This process's lease was lost mid-run and another process closed the run: count it, go on.
            if (!(error instanceof RunAbandonedError)) throw error
            deps.logger.error({ err: error, partition: partition.key }, 'run abandoned: its lease was lost')
            progress.recordAbandoned()
            continue
          }
          progress.recordPartition(result)
          options.onRun?.(result, progress.snapshot())
        }
      } catch (error) {
        // Runs report source and validation failures as results; a throw is the database (or
        // the ledger query) itself: every worker stops taking partitions and the error is rethrown.
        failure ??= error
      }
    }
    await Promise.all(stretches.map((stretch) => worker(plannerOf(stretch))))
    if (failure !== undefined) throw failure

    // A signal after the last partition was taken stopped nothing.
    const aborted = (deps.signal?.aborted ?? false) && exhausted < stretches.length
    // Finished or interrupted, the aggregates are brought up to date over what was promoted.
    if (progress.snapshot().finished === 0) return summary(aborted)
    try {
      const settled = await settleAggregateBacklog(db, await detectCapabilities(db), options.dataset)
      return summary(aborted, settled.aggregates)
    } catch (error) {
      deps.logger.error({ err: error, dataset: options.dataset }, 'aggregate refresh after the backfill failed')
      return summary(aborted, [], error instanceof Error ? error.message : String(error))
    }
  }
}

/**
 * How a backfill cuts the range for (source, dataset). A job (`runJob`) loads one trade date,
 * whatever the source, so today every partition is a trading day; the source's own shape from
 * PARTITION_RULES is reported, and becomes the partition once per-stock jobs exist. Pure.
 */
export function backfillPartitioning(source: SourceName, dataset: Dataset): { shape: PartitionShape; partitioning: string } {
  const tradingDay: PartitionShape = { kind: 'tradingDay' }
  const rule = partitionRuleFor(source, dataset)
  if (!rule) return { shape: tradingDay, partitioning: 'one trading day per partition' }
  if (rule.shape.kind === 'tradingDay') return { shape: tradingDay, partitioning: `one trading day per partition (${rule.why})` }
  return {
    shape: tradingDay,
    partitioning: `one trading day per partition: ${rule.why}, but its collector loads one trade date at a time (per-stock partitions wait for a per-stock job)`,
  }
}

/**
 * The range cut into at most `workers` consecutive stretches holding as many partitions to run
 * each (±1), together covering [from, to] exactly: each starts at one of `runDates` (ascending)
 * and ends the day before the next one starts. Pure.
 */
export function stretchesOf(runDates: readonly TradeDate[], workers: number, from: TradeDate, to: TradeDate): Array<{ from: TradeDate; to: TradeDate }> {
  const count = Math.max(1, Math.min(workers, runDates.length))
  const starts = Array.from({ length: count }, (_, i) => (i === 0 ? from : runDates[Math.floor((i * runDates.length) / count)]!))
  return starts.map((start, i) => ({ from: start, to: i + 1 < count ? addDays(starts[i + 1]!, -1) : to }))
}
