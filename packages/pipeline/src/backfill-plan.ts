import { sql, type Kysely } from 'kysely'
import type { Dataset, SourceName, TradeDate } from '@kmd/core'
import type { Database } from '@kmd/db'
import { partitionsOf, type Partition, type PartitionShape } from './backfill-partitions.ts'

/**
 * Which partitions of a range a backfill runs, read from the run log (`data_collection_logs`)
 * and, for daily datasets, the completeness ledger (`partition_completeness`):
 *   missing     not complete: never loaded, or loaded short of its expected keys (the default;
 *               resumes an interrupted backfill and retries the short days)
 *   incomplete  only those loaded but short of their expected keys
 *   failed      only those whose latest finished run is FAILED, ABORTED or ABANDONED
 *   all         every partition of the range
 * "Finished" leaves out RUNNING and SKIPPED rows: a SKIPPED row says another process held the
 * partition, not how the partition stands. A partition with runs but no ledger row (loaded
 * before completeness was measured, or a reference dataset) counts as loaded when a run
 * promoted rows; a SUCCESS of zero rows never did.
 */
export const REPROCESS_MODES = ['missing', 'incomplete', 'failed', 'all'] as const
export type ReprocessMode = (typeof REPROCESS_MODES)[number]

export interface BackfillRequest {
  dataset: Dataset
  /** The sources whose runs count as loading a partition: the plan's, or the one pinned. */
  sources: readonly SourceName[]
  from: TradeDate
  to: TradeDate
  reprocess?: ReprocessMode
  /** Stocks of a per-stock partitioning. */
  stockCodes?: Iterable<string>
}

export interface LedgerEntry {
  /** Some run of this (dataset, partition) from one of the sources ended SUCCESS or PARTIAL and promoted rows. */
  everLoaded: boolean
  /** The completeness ledger's word on the partition (any source); undefined without a ledger row. */
  completeness?: { complete: boolean; missing: number; expected: number }
  latestStatus: 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'ABORTED' | 'ABANDONED' | undefined
  latestRunId: string | undefined
  latestStartedAt: Date | undefined
  latestError: string | undefined
}

export interface PlannedPartition extends Partition {
  action: 'run' | 'skip'
  reason: string
}

// Ledger look-ups go by chunks: one query per CHUNK partitions, and never more in memory.
const CHUNK = 250

/** The plan, partition by partition, oldest first; lazy, so a range of any length holds one chunk. */
export async function* planBackfill(db: Kysely<Database>, shape: PartitionShape, request: BackfillRequest): AsyncGenerator<PlannedPartition> {
  const mode = request.reprocess ?? 'missing'
  let chunk: Partition[] = []
  const decideChunk = async function* (): AsyncGenerator<PlannedPartition> {
    const ledger = mode === 'all' ? new Map<string, LedgerEntry>() : await readLedger(db, request.dataset, request.sources, chunk.map((p) => p.key))
    for (const partition of chunk) yield { ...partition, ...decide(mode, ledger.get(partition.key)) }
    chunk = []
  }
  for (const partition of partitionsOf(shape, request)) {
    chunk.push(partition)
    if (chunk.length === CHUNK) yield* decideChunk()
  }
  if (chunk.length > 0) yield* decideChunk()
}

/** Whether a partition runs under a mode, and why, given its ledger entry. Pure. */
export function decide(mode: ReprocessMode, entry: LedgerEntry | undefined): Pick<PlannedPartition, 'action' | 'reason'> {
  if (mode === 'all') return { action: 'run', reason: 'reprocess all' }
  const latest = entry?.latestStatus
  const describeLatest = () =>
    latest ? `latest run ${latest} at ${entry?.latestStartedAt?.toISOString()} (run ${entry?.latestRunId})${entry?.latestError ? `: ${entry.latestError}` : ''}` : 'no run from these sources'
  const completeness = entry?.completeness
  const short = completeness && !completeness.complete ? `loaded but incomplete: ${completeness.missing} of ${completeness.expected} expected keys missing; ` : undefined
  if (mode === 'missing' || mode === 'incomplete') {
    if (short) return { action: 'run', reason: `${short}${describeLatest()}` }
    if (mode === 'incomplete') return { action: 'skip', reason: entry?.everLoaded ? `complete; ${describeLatest()}` : 'never loaded (--reprocess missing loads it)' }
    if (completeness?.complete) return { action: 'skip', reason: `complete; ${describeLatest()}` }
    if (entry?.everLoaded) {
      // An earlier run loaded it and production keeps that load; a later failed run changed nothing.
      const failedSince = latest === 'FAILED' || latest === 'ABORTED' || latest === 'ABANDONED'
      return { action: 'skip', reason: failedSince ? `loaded by an earlier run, kept; a later run did not finish (${describeLatest()}); --reprocess failed runs it again` : `already loaded; ${describeLatest()}` }
    }
    return { action: 'run', reason: latest ? `never loaded; ${describeLatest()}` : 'never run' }
  }
  if (latest === 'FAILED' || latest === 'ABORTED' || latest === 'ABANDONED') return { action: 'run', reason: describeLatest() }
  return { action: 'skip', reason: latest ? describeLatest() : 'never run (--reprocess missing loads it)' }
}

/** The ledger entries of some partitions of a dataset, from these sources' runs; partitions never run are absent. */
export async function readLedger(db: Kysely<Database>, dataset: string, sources: readonly string[], keys: readonly string[]): Promise<Map<string, LedgerEntry>> {
  if (keys.length === 0 || sources.length === 0) return new Map()
  const finished = sql.join(['SUCCESS', 'PARTIAL', 'FAILED', 'ABORTED', 'ABANDONED'].map((status) => sql.lit(status)))
  const rows = await db
    .selectFrom('data_collection_logs')
    .where('data_type', '=', dataset)
    .where('source', 'in', sources)
    .where('partition_key', 'in', keys)
    .where(sql<boolean>`status in (${finished})`)
    .groupBy('partition_key')
    .select([
      'partition_key',
      sql<boolean>`bool_or(status in ('SUCCESS', 'PARTIAL') and coalesce(records_promoted, 0) > 0)`.as('ever_loaded'),
      sql<string>`(array_agg(status order by started_at desc, id desc))[1]`.as('latest_status'),
      sql<string>`(array_agg(run_id::text order by started_at desc, id desc))[1]`.as('latest_run_id'),
      sql<Date>`max(started_at)`.as('latest_started_at'),
      sql<string | null>`(array_agg(left(error_message, 200) order by started_at desc, id desc))[1]`.as('latest_error'),
    ])
    .execute()
  const dates = keys.filter((key) => TRADE_DATE.test(key))
  const ledger =
    dates.length === 0
      ? []
      : await db
          .selectFrom('partition_completeness')
          .select([sql<string>`to_char(trade_date, 'YYYY-MM-DD')`.as('day'), 'complete', 'missing_count', 'expected_count'])
          .where('dataset', '=', dataset)
          .where('trade_date', 'in', dates)
          .execute()
  const completeness = new Map(ledger.map((row) => [row.day, { complete: row.complete, missing: row.missing_count, expected: row.expected_count }]))
  const entries = new Map<string, LedgerEntry>(
    rows.map((row) => [
      row.partition_key,
      {
        everLoaded: row.ever_loaded,
        latestStatus: row.latest_status as LedgerEntry['latestStatus'],
        latestRunId: row.latest_run_id,
        latestStartedAt: new Date(row.latest_started_at),
        latestError: row.latest_error ?? undefined,
        completeness: completeness.get(row.partition_key),
      },
    ]),
  )
  // A partition another source completed has a ledger row but maybe no run of these sources.
  for (const [day, state] of completeness) {
    if (!entries.has(day)) entries.set(day, { everLoaded: false, completeness: state, latestStatus: undefined, latestRunId: undefined, latestStartedAt: undefined, latestError: undefined })
  }
  return entries
}

const TRADE_DATE = /^\d{4}-\d{2}-\d{2}$/
