import type { Dataset, TradeDate } from '@kmd/core'
import type { RunTrigger } from '@kmd/promoter'
import type { PartitionCompleteness } from './completeness-ledger.ts'
import { runJob, type JobResult, type JobStatus, type PipelineDeps } from './run-job.ts'
import { sourcesToTry, type SourcePlan } from './source-plan.ts'

export interface PartitionResult {
  /** How the partition stands after every attempt (see `partitionStatus`). */
  status: JobStatus
  /** The run that settled the partition (delivered, skipped, or the last failure). */
  final: JobResult
  /** Every run made, primary first (failures, then gap fills). */
  attempts: JobResult[]
  /** The source whose data was promoted first, if any (gap fills may have added others'). */
  deliveredBy: string | undefined
  /** What production holds of the partition after the last promotion (daily datasets). */
  completeness: PartitionCompleteness | undefined
}

/**
 * Loads a partition from the dataset's primary source; when that run fails (after the
 * collector's own retries), the next source in the plan runs, its log row naming the sources
 * that failed before it (`fallback_from`). When a run delivers less than the partition should
 * hold (PARTIAL by completeness), the next source is asked for just the missing stocks (a gap
 * fill), and so on down the plan until the partition is complete or no source is left.
 */
export async function runWithFallback(
  deps: PipelineDeps,
  plan: SourcePlan,
  partition: { dataset: Dataset; tradeDate: TradeDate; trigger?: RunTrigger },
): Promise<PartitionResult> {
  const sources = sourcesToTry(plan, partition.dataset, deps.collectors)
  if (sources.length === 0) throw new NoSourceError(`no configured source can collect ${partition.dataset} (plan: ${JSON.stringify(plan[partition.dataset])})`)
  const attempts: JobResult[] = []
  let missingStocks: readonly string[] | undefined
  let completeness: PartitionCompleteness | undefined
  for (const source of sources) {
    const triedBefore = attempts.map((attempt) => attempt.source)
    const result = await runJob(deps, {
      dataset: partition.dataset as never, source, tradeDate: partition.tradeDate, trigger: partition.trigger, fallbackFrom: triedBefore, onlyStocks: missingStocks,
    })
    attempts.push(result)
    completeness = result.completeness ?? completeness
    if (deps.signal?.aborted) break
    if (result.status === 'FAILED') {
      deps.logger.warn({ dataset: partition.dataset, partition: partition.tradeDate, source, error: result.message }, 'source failed; trying the next one')
      continue
    }
    const gap = result.completeness && !result.completeness.complete ? result.completeness.missingStocks : []
    if (gap.length === 0) break
    missingStocks = gap
    deps.logger.warn(
      { dataset: partition.dataset, partition: partition.tradeDate, source, missing: result.completeness!.missingCount, stocks: gap.length },
      'partition incomplete; asking the next source for the missing stocks',
    )
  }
  const delivering = attempts.find(delivered)
  return { status: partitionStatus(attempts, completeness), final: attempts[attempts.length - 1]!, attempts, deliveredBy: delivering?.source, completeness }
}

/** No source the plan names for the dataset has a collector in this process. */
export class NoSourceError extends Error {
  override readonly name = 'NoSourceError'
}

const delivered = (attempt: JobResult): boolean => attempt.status === 'SUCCESS' || attempt.status === 'PARTIAL'

/**
 * The partition's word, from all its runs: nothing delivered → the last run's status (FAILED,
 * SKIPPED, ABORTED); delivered but production still misses expected keys → PARTIAL; delivered
 * and nothing missing → the last delivering run's status (a gap fill that completed a short
 * day makes it SUCCESS; a run that quarantined rows nobody replaced stays PARTIAL).
 */
export function partitionStatus(attempts: readonly JobResult[], completeness: PartitionCompleteness | undefined): JobStatus {
  const last = attempts.findLast(delivered)
  if (!last) return attempts[attempts.length - 1]?.status ?? 'FAILED'
  if (completeness && completeness.missingCount > 0) return 'PARTIAL'
  return last.status
}
