import { hostname } from 'node:os'
import { sql, type Kysely } from 'kysely'
import type { Database, MarketDatabase, RunStatus } from '@kmd/db'
import { CLAIM_HOLDER, claimPartition, type ClaimOutcome } from './claims.ts'
import { acquireRunLease, type RunLease } from './lease.ts'
import { abandonBatches, reapDeadRuns, type ReapReport } from './reaper.ts'

export type RunTrigger = 'manual' | 'schedule' | 'backfill' | 'demo'

export interface RunIdentity {
  runId: string
  dataset: string
  source: string
  partitionKey: string
  tradeDate: string | null
  trigger: RunTrigger
  /** Sources that failed this partition before this run (a fallback run). */
  fallbackFrom?: readonly string[]
  /** The run lease the run lives by; a row without one is dead to the reaper. */
  leaseKey?: number
}

export interface RunCounts {
  fetched?: number
  staged?: number
  /** Rows of the partition that passed validation. */
  valid?: number
  rejected?: number
  promoted?: number
}

/** What a run measured before it ended; every outcome records it. */
export interface RunProgress {
  batchId?: string | null
  counts?: RunCounts
  stageTimings?: Record<string, number>
}

/** A promotion's result, recorded in the promotion's own transaction. */
export interface RunPromotion extends RunProgress {
  batchId: string
  /** Why the batch delivered less than its partition should hold. */
  incompleteReason?: string
}

/**
 * The run log: the one writer of `data_collection_logs` and of a staging batch's status after
 * it was loaded. A run is opened RUNNING under the process's run lease with its partition
 * claimed, and ends exactly once: SKIPPED, ABORTED, FAILED, or through the promotion SUCCESS
 * (complete: nothing rejected, nothing missing) or PARTIAL. A run that ends without recording
 * an outcome, or whose process dies, becomes ABANDONED.
 */
export class RunLedger {
  constructor(readonly database: MarketDatabase) {}

  /**
   * The start of every run: takes the process's run lease, reaps the dead runs (so their
   * partitions are free at once), writes the RUNNING row, then claims the partition. Pair
   * with `close()` in a finally block.
   */
  async open(identity: Omit<RunIdentity, 'leaseKey'>): Promise<OpenRun> {
    const lease = await this.lease()
    try {
      await this.reap()
      const run = await this.start({ ...identity, leaseKey: lease.key })
      const claim = await this.claim(identity.dataset, identity.partitionKey, identity.runId)
      return new OpenRun(this.database.db, run.runId, claim, lease)
    } catch (error) {
      await lease.release()
      throw error
    }
  }

  /** Writes a run's RUNNING row, committed at once so a crash leaves a trace. */
  async start(identity: RunIdentity): Promise<LedgerRun> {
    await this.database.db
      .insertInto('data_collection_logs')
      .values({
        run_id: identity.runId,
        data_type: identity.dataset,
        source: identity.source,
        partition_key: identity.partitionKey,
        collection_date: identity.tradeDate,
        trigger: identity.trigger,
        status: 'RUNNING',
        host: hostname(),
        fallback_from: identity.fallbackFrom && identity.fallbackFrom.length > 0 ? [...identity.fallbackFrom] : null,
        lease_key: identity.leaseKey ?? null,
      })
      .execute()
    return this.run(identity.runId)
  }

  /** A started run, to record its outcome. */
  run(runId: string): LedgerRun {
    return new LedgerRun(this.database.db, runId)
  }

  /** One live run per (dataset, partition): the first claim wins while its run is RUNNING. */
  claim(dataset: string, partitionKey: string, runId: string, holder = CLAIM_HOLDER): Promise<ClaimOutcome> {
    return claimPartition(this.database.db, dataset, partitionKey, runId, holder)
  }

  /** Takes (or shares) this process's run lease; pair with `release()`. */
  lease(): Promise<RunLease> {
    return acquireRunLease(this.database)
  }

  /** Makes the runs and schedule slots of dead leases ABANDONED (see reaper.ts). */
  reap(): Promise<ReapReport> {
    return reapDeadRuns(this.database)
  }
}

/** One run's entry in the log: each method records one way the run ends. */
export class LedgerRun {
  constructor(
    protected readonly db: Kysely<Database>,
    readonly runId: string,
  ) {}

  /** The run did not need to load anything (closed market, partition held by a live run). */
  skip(reason: string, progress: RunProgress = {}): Promise<void> {
    return this.end(this.db, 'SKIPPED', { ...progress, errorMessage: reason })
  }

  /** The run was stopped (shutdown) before promotion; production is untouched. */
  abort(reason: string, progress: RunProgress = {}): Promise<void> {
    return this.end(this.db, 'ABORTED', { ...progress, errorMessage: reason })
  }

  /** The run failed; production is untouched. `error` adds its type and retryability. */
  fail(reason: string, progress: RunProgress = {}, error?: { type: string; retryable: boolean }): Promise<void> {
    return this.end(this.db, 'FAILED', { ...progress, errorMessage: reason, errorDetail: error })
  }

  /** The batch was validated and waits for promotion. */
  async batchValidated(batchId: string): Promise<void> {
    await this.setBatchStatus(this.db, batchId, 'validated')
  }

  /** The batch as a whole failed validation: its run fails with the reason. */
  async batchFailed(reason: string, progress: RunProgress & { batchId: string }): Promise<void> {
    await this.setBatchStatus(this.db, progress.batchId, 'failed')
    await this.fail(reason, progress)
  }

  /**
   * Inside the promotion's transaction: marks the batch promoted and ends the run SUCCESS when
   * the partition is complete (no row rejected, no key missing), PARTIAL otherwise.
   */
  async finish(trx: Kysely<Database>, promotion: RunPromotion): Promise<'SUCCESS' | 'PARTIAL'> {
    const complete = (promotion.counts?.rejected ?? 0) === 0 && !promotion.incompleteReason
    const status = complete ? 'SUCCESS' : 'PARTIAL'
    await this.setBatchStatus(trx, promotion.batchId, 'promoted')
    await this.end(trx, status, { ...promotion, errorMessage: promotion.incompleteReason })
    return status
  }

  /**
   * Marks the run ABANDONED if its row is still RUNNING (its process gave up on recording the
   * outcome), its staging batch with it; false when the run had already ended.
   */
  async abandon(reason: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('data_collection_logs')
        .set({
          status: 'ABANDONED',
          error_message: reason,
          completed_at: sql<Date>`greatest(clock_timestamp(), started_at)`,
          duration_ms: sql<number>`(extract(epoch from greatest(clock_timestamp(), started_at) - started_at) * 1000)::integer`,
        })
        .where('run_id', '=', this.runId)
        .where('status', '=', 'RUNNING')
        .executeTakeFirst()
      if (result.numUpdatedRows !== 1n) return false
      await abandonBatches(trx, [this.runId])
      return true
    })
  }

  private async setBatchStatus(db: Kysely<Database>, batchId: string, status: 'validated' | 'failed' | 'promoted'): Promise<void> {
    await db.updateTable('staging.batches').set({ status, updated_at: sql`now()` }).where('batch_id', '=', batchId).execute()
  }

  private async end(
    db: Kysely<Database>,
    status: Exclude<RunStatus, 'RUNNING' | 'ABANDONED'>,
    outcome: RunProgress & { errorMessage?: string; errorDetail?: Record<string, unknown> },
  ): Promise<void> {
    const counts = outcome.counts ?? {}
    const result = await db
      .updateTable('data_collection_logs')
      .set({
        status,
        batch_id: outcome.batchId ?? null,
        records_fetched: counts.fetched ?? null,
        records_staged: counts.staged ?? null,
        records_count: counts.valid ?? null,
        records_rejected: counts.rejected ?? null,
        records_promoted: counts.promoted ?? null,
        stage_timings: outcome.stageTimings ? JSON.stringify(outcome.stageTimings) : null,
        error_message: outcome.errorMessage ?? null,
        error_detail: outcome.errorDetail ? JSON.stringify(outcome.errorDetail) : null,
        completed_at: sql<Date>`clock_timestamp()`,
        duration_ms: sql<number>`(extract(epoch from clock_timestamp() - started_at) * 1000)::integer`,
      })
      .where('run_id', '=', this.runId)
      .where('status', '=', 'RUNNING')
      .executeTakeFirst()
    if (result.numUpdatedRows === 1n) return
    const row = await db.selectFrom('data_collection_logs').select(['status', 'error_message']).where('run_id', '=', this.runId).executeTakeFirst()
    if (row?.status === 'ABANDONED') throw new RunAbandonedError(this.runId, row.error_message ?? 'its lease died')
    throw new Error(`run ${this.runId} has no RUNNING log row to end`)
  }
}

/** A run opened by `RunLedger.open`: its entry, its partition claim and its lease. */
export class OpenRun extends LedgerRun {
  constructor(
    db: Kysely<Database>,
    runId: string,
    readonly claim: ClaimOutcome,
    private readonly heldLease: RunLease,
  ) {
    super(db, runId)
  }

  /**
   * Ends the run's hold on the world: frees its claim, marks it ABANDONED if it never recorded
   * an outcome (recording failed), and gives back the run lease.
   */
  async close(): Promise<void> {
    try {
      if (this.claim.claimed) await this.claim.release()
      await this.abandon(`the run ended without recording its outcome (process ${process.pid}@${hostname()})`).catch(() => undefined)
    } finally {
      await this.heldLease.release()
    }
  }
}

/**
 * The run's row was marked ABANDONED by another process while the run went on (its lease
 * session was lost): its outcome is not recorded, and a promotion that meets this rolls back.
 */
export class RunAbandonedError extends Error {
  override readonly name = 'RunAbandonedError'
  readonly retryable = true
  constructor(
    readonly runId: string,
    readonly reason: string,
  ) {
    super(`run ${runId} was marked ABANDONED while it ran: ${reason}`)
  }
}
