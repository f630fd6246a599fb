import type { Dataset, TradeDate } from '@kmd/core'
import type { RunTrigger } from '@kmd/promoter'
import { runJob, type JobResult, type PipelineDeps } from './run-job.ts'
import { sourcesToTry, type SourcePlan } from './source-plan.ts'

export interface PartitionResult {
  /** The run that settled the partition (delivered, skipped, or the last failure). */
  final: JobResult
  /** Every run made, primary first. */
  attempts: JobResult[]
  /** The source whose data was promoted, if any. */
  deliveredBy: string | undefined
}

/**
 * Loads a partition from the dataset's primary source; when that run fails (after the
 * collector's own retries), the next source in the plan runs, its log row naming the sources
 * that failed before it (`fallback_from`).
 */
export async function runWithFallback(
  deps: PipelineDeps,
  plan: SourcePlan,
  partition: { dataset: Dataset; tradeDate: TradeDate; trigger?: RunTrigger },
): Promise<PartitionResult> {
  const sources = sourcesToTry(plan, partition.dataset, deps.collectors)
  if (sources.length === 0) throw new Error(`no configured source can collect ${partition.dataset} (plan: ${JSON.stringify(plan[partition.dataset])})`)
  const attempts: JobResult[] = []
  for (const source of sources) {
    const failed = attempts.map((attempt) => attempt.source)
    const result = await runJob(deps, { dataset: partition.dataset as never, source, tradeDate: partition.tradeDate, trigger: partition.trigger, fallbackFrom: failed })
    attempts.push(result)
    if (result.status !== 'FAILED') break
    if (deps.signal?.aborted) break
    deps.logger.warn({ dataset: partition.dataset, partition: partition.tradeDate, source, error: result.message }, 'source failed; trying the next one')
  }
  const final = attempts[attempts.length - 1]!
  const delivered = final.status === 'SUCCESS' || final.status === 'PARTIAL'
  return { final, attempts, deliveredBy: delivered ? final.source : undefined }
}
