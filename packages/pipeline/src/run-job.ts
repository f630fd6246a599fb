import { randomUUID } from 'node:crypto'
import { EmptyAnswerError, isCollectedStream, isRetryable, isTradingDay as isKrxTradingDay, holidayName, type CanonicalRecord, type CollectedBatch, type Dataset, type Logger, type SourceName, type TradeDate } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { promoteBatch, RunLedger, type OpenRun, type RunTrigger } from '@kmd/promoter'
import { keepRawOfFlaggedRows, loadBatch, loadStream } from '@kmd/staging-loader'
import { DEFAULT_COMPLETENESS_THRESHOLD, hasCompleteness, validateBatch } from '@kmd/validators'
import { heldMessage } from './claims.ts'
import { collectContextFor, type CollectorRegistry } from './collectors.ts'
import { recordPartitionCompleteness, remeasureDependents, type PartitionCompleteness } from './completeness-ledger.ts'
import { purgeStagingAfterRun } from './staging-retention.ts'

export interface JobSpec {
  dataset: Dataset
  source: SourceName
  tradeDate: TradeDate
  trigger?: RunTrigger
  /** Sources that already failed this partition (this run is their fallback). */
  fallbackFrom?: readonly string[]
  /**
   * A gap fill: only these stocks are asked for (per-stock sources) or kept (whole-market
   * answers), and completeness expects only them.
   */
  onlyStocks?: readonly string[]
  /**
   * A partition that is not a market session, named here instead of by its trade date (a file
   * import: `<file name>@<date>`). It runs whatever the day: its rows carry their own dates.
   */
  partitionKey?: string
}

export type JobStatus = 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'SKIPPED' | 'ABORTED'

export interface JobResult {
  runId: string
  dataset: Dataset
  source: SourceName
  tradeDate: TradeDate
  status: JobStatus
  batchId: string | undefined
  fetched: number
  valid: number
  rejected: number
  /** Valid rows that carry a warning (e.g. ratio_consistency). */
  warned: number
  promoted: number
  failedChecks: string[]
  /** What production holds of the partition after this run promoted (daily datasets only). */
  completeness?: PartitionCompleteness
  /** Milliseconds per stage: collect, stage, validate, promote, ledger (the completeness ledger after promotion). */
  timings: Record<string, number>
  message: string | undefined
}

/** A run's duration as the sum of its timed stages (collect, stage, validate, promote, ledger). */
export function runDurationMs(result: JobResult): number {
  return Object.values(result.timings).reduce((total, ms) => total + ms, 0)
}

export interface PipelineDeps {
  database: MarketDatabase
  logger: Logger
  collectors: CollectorRegistry
  /** Share of a partition's expected keys below which the day is incomplete (gap fill, backfill re-runs it); default 0.99. */
  completenessThreshold?: number
  /**
   * false: promotions leave the aggregates to their backlog (aggregate_backlog) for the caller to
   * settle, as a backfill does once at its end; default: current after every promotion.
   */
  refreshAggregates?: boolean
  /**
   * Stops the job at the next stage boundary (SIGTERM): it ends ABORTED before promotion, or
   * finishes normally once promotion has begun, so production is never half-updated.
   */
  signal?: AbortSignal
  /**
   * After a promotion, purge promoted batches staged more than this many days ago
   * (STAGING_RETENTION_DAYS; staging-retention.ts); undefined: this pipeline does not purge.
   */
  stagingRetentionDays?: number
}

/**
 * One job end to end: collect -> staging -> validators -> promoter, with one
 * data_collection_logs row that ends SUCCESS, PARTIAL, FAILED or SKIPPED. A failure is a
 * result, not an exception: the log row says what went wrong and production is untouched.
 */
export async function runJob(deps: PipelineDeps, job: JobSpec): Promise<JobResult> {
  const { database } = deps
  const runId = randomUUID()
  const partitionKey = job.partitionKey ?? job.tradeDate
  const logger = deps.logger.child({ runId, dataset: job.dataset, source: job.source, partition: partitionKey })
  const timings: Record<string, number> = {}
  const completenessThreshold = deps.completenessThreshold ?? DEFAULT_COMPLETENESS_THRESHOLD
  const result: JobResult = {
    runId, dataset: job.dataset, source: job.source, tradeDate: job.tradeDate, status: 'FAILED', batchId: undefined,
    fetched: 0, valid: 0, rejected: 0, warned: 0, promoted: 0, failedChecks: [], timings, message: undefined,
  }
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await work()
    } finally {
      timings[stage] = Math.round(performance.now() - started)
    }
  }

  // Lease, reap of dead runs, RUNNING row, partition claim; run.close() undoes them.
  const run = await new RunLedger(database).open({
    runId, dataset: job.dataset, source: job.source, partitionKey, tradeDate: job.tradeDate, trigger: job.trigger ?? 'manual', fallbackFrom: job.fallbackFrom,
  })
  const { claim } = run
  if (!claim.claimed) return skip(run, result, heldMessage(claim), logger).finally(() => run.close())
  const stopIfAborted = async (before: string): Promise<JobResult | undefined> => {
    if (!deps.signal?.aborted) return undefined
    result.status = 'ABORTED'
    result.message = `stopped before ${before}: ${String(deps.signal.reason ?? 'shutdown')}; production untouched`
    await run.abort(result.message, { batchId: result.batchId ?? null, counts: { fetched: result.fetched }, stageTimings: timings })
    logger.warn(result.message)
    return result
  }
  try {
    // The calendar itself is collected whatever the day, and so is a partition that is not a
    // session; everything else waits for one.
    const sessionBound = job.dataset !== 'market_calendar' && job.partitionKey === undefined
    const closed = sessionBound ? await closedReason(database, job.tradeDate) : undefined
    if (closed) return await skip(run, result, `non-trading day (${closed})`, logger)

    const collect = deps.collectors[job.source]?.[job.dataset]
    if (!collect) throw new Error(`source "${job.source}" has no collector for ${job.dataset}`)
    const aborted = await stopIfAborted('collecting')
    if (aborted) return aborted
    const collected = await timed('collect', () => collect(job.tradeDate, collectContextFor(database.db, job.tradeDate, job.onlyStocks)))
    const batchId = randomUUID()
    let batch: CollectedBatch | undefined
    let staged: { rowCount: number }
    if (isCollectedStream(collected)) {
      // Collection and staging overlap: parts are written as the source answers. `collect` is the
      // time spent waiting for the source, `stage` the writes.
      const abortedBeforeStaging = await stopIfAborted('staging')
      if (abortedBeforeStaging) return abortedBeforeStaging
      result.batchId = batchId
      const started = performance.now()
      const streamed = await loadStream(database, collected, { runId, batchId, partitionKey }, { keep: askedFor(job.onlyStocks) })
      timings.stage = streamed.writeMs
      timings.collect = (timings.collect ?? 0) + Math.round(performance.now() - started - streamed.writeMs)
      result.fetched = streamed.rowCount
      if (streamed.rowCount === 0) throw emptyAnswer(job)
      staged = streamed
    } else {
      batch = narrowTo(collected, job.onlyStocks)
      result.fetched = batch.records.length
      // The calendar says the market traded (closedReason above): an answer that looks closed is
      // short, not a holiday, and is worth retrying and asking the next source.
      if (batch.nonTradingDay) {
        if (job.dataset === 'market_calendar') return await skip(run, result, 'the source reports the market closed that day', logger)
        throw new EmptyAnswerError(`${job.source} answered ${job.tradeDate} as a closed market, but the calendar lists it as a trading day`)
      }
      if (batch.records.length === 0 && job.dataset !== 'market_calendar') throw emptyAnswer(job)

      const abortedBeforeStaging = await stopIfAborted('staging')
      if (abortedBeforeStaging) return abortedBeforeStaging
      result.batchId = batchId
      const whole = batch
      staged = await timed('stage', () => loadBatch(database, whole, { runId, batchId, partitionKey }))
    }
    const validation = await timed('validate', async () => {
      const outcome = await validateBatch(
        database.db,
        { runId, batchId, dataset: job.dataset, source: job.source, partitionKey, tradeDate: job.tradeDate, onlyStocks: job.onlyStocks },
        { isTradingDay: isKrxTradingDay, completenessThreshold },
      )
      // The load kept raw only for parse errors and a sample; the rows just flagged need theirs
      // as evidence, and only this process still holds the batch (a stream kept every row's).
      if (batch) await keepRawOfFlaggedRows(database, batch, batchId)
      return outcome
    })
    result.valid = validation.validCount
    result.rejected = validation.rejectedCount
    result.warned = validation.warnedCount
    result.failedChecks = validation.checks.filter((check) => !check.passed).map((check) => check.checkName)
    const counts = { fetched: result.fetched, staged: staged.rowCount, valid: validation.validCount, rejected: validation.rejectedCount }

    await run.batchValidated(batchId)
    if (validation.batchFailed) {
      result.message = `batch failed validation: ${validation.failureReason}`
      await run.batchFailed(result.message, { batchId, counts, stageTimings: timings })
      logger.warn({ failedChecks: result.failedChecks }, result.message)
      return result
    }

    const abortedBeforePromotion = await stopIfAborted('promotion')
    if (abortedBeforePromotion) return abortedBeforePromotion
    const promotion = await timed('promote', () =>
      promoteBatch(database, { runId, batchId, dataset: job.dataset, source: job.source, tradeDate: job.tradeDate }, {
        counts,
        stageTimings: timings,
        refreshAggregates: deps.refreshAggregates,
        incompleteReason: validation.incompleteReason,
      }),
    )
    result.status = promotion.status
    result.promoted = promotion.promoted
    result.message = validation.incompleteReason
    if (hasCompleteness(job.dataset)) {
      const partition = { dataset: job.dataset, tradeDate: job.tradeDate, runId, threshold: completenessThreshold }
      result.completeness = await timed('ledger', async () => {
        const completeness = await recordPartitionCompleteness(database.db, partition)
        await remeasureDependents(database.db, partition)
        return completeness
      })
    }
    logger.info({ status: result.status, valid: result.valid, rejected: result.rejected, promoted: result.promoted, timings }, 'run finished')
    if (deps.stagingRetentionDays !== undefined) await purgeStagingAfterRun(database, deps.stagingRetentionDays, logger)
    return result
  } catch (error) {
    if (deps.signal?.aborted && !result.batchId) {
      const aborted = await stopIfAborted('the source answered')
      if (aborted) return aborted
    }
    const message = error instanceof Error ? error.message : String(error)
    result.status = 'FAILED'
    result.message = message
    logger.error({ err: error }, 'run failed')
    await run.fail(message, { batchId: result.batchId ?? null, counts: { fetched: result.fetched }, stageTimings: timings }, {
      type: error instanceof Error ? error.name : typeof error,
      retryable: isRetryable(error),
    })
    return result
  } finally {
    await run.close()
  }
}

async function skip(run: OpenRun, result: JobResult, reason: string, logger: Logger): Promise<JobResult> {
  result.status = 'SKIPPED'
  result.message = reason
  await run.skip(reason, { counts: { fetched: result.fetched }, stageTimings: result.timings })
  logger.info(reason)
  return result
}

function emptyAnswer(job: JobSpec): EmptyAnswerError {
  return new EmptyAnswerError(`${job.source} answered ${job.tradeDate}, a trading day, with no ${job.dataset} rows${job.onlyStocks ? ` for the ${job.onlyStocks.length} stocks asked` : ''}`)
}

/** A gap fill keeps only the stocks it asked for, whatever a whole-market answer held; undefined: every record. */
function askedFor(onlyStocks: readonly string[] | undefined): ((record: CanonicalRecord<unknown>) => boolean) | undefined {
  if (!onlyStocks) return undefined
  const wanted = new Set(onlyStocks)
  return (record) => wanted.has((record.values as { stock_code?: string | null }).stock_code ?? '')
}

function narrowTo(batch: CollectedBatch, onlyStocks: readonly string[] | undefined): CollectedBatch {
  const keep = askedFor(onlyStocks)
  if (!keep) return batch
  return { ...batch, records: (batch.records as CollectedBatch['records']).filter(keep) } as CollectedBatch
}

/** Why the market is closed that day, or undefined on a trading day: market_calendar first, then the KRX calendar. */
async function closedReason(database: MarketDatabase, tradeDate: TradeDate): Promise<string | undefined> {
  const known = await database.db.selectFrom('market_calendar').select(['is_trading_day', 'holiday_name']).where('trade_date', '=', tradeDate).executeTakeFirst()
  if (known) return known.is_trading_day ? undefined : (known.holiday_name ?? 'market_calendar says closed')
  return isKrxTradingDay(tradeDate) ? undefined : (holidayName(tradeDate) ?? 'KRX holiday')
}
