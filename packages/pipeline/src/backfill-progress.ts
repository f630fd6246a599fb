import { wasHeld } from './claims.ts'
import type { JobStatus } from './run-job.ts'
import type { PartitionResult } from './run-with-fallback.ts'

/** Counters of a backfill: what a progress bar, a log line and the closing summary show. Never a list of results. */
export interface BackfillCounters {
  /** Partitions of the range. */
  partitions: number
  /** Partitions the plan runs (known after the counting pass). */
  toRun: number
  /** Partitions the plan leaves alone (the ledger says they are done). */
  notRun: number
  /** Partitions finished so far, by how each stands after its runs (`partitionStatus`). */
  statuses: Record<JobStatus, number>
  /** Of the SKIPPED partitions: held by another live run (not loaded: a failure of the backfill). */
  skippedHeld: number
  /** Of the SKIPPED partitions: the market was closed that day (nothing to load). */
  skippedClosed: number
  /** Runs whose log row another process marked ABANDONED while they went on (their lease was lost). */
  abandoned: number
  /** Runs made (a partition's primary, fallbacks and gap fills each count). */
  runs: number
  /** Rows carried through staging and validation (valid + rejected), over every run. */
  rowsProcessed: number
  rowsPromoted: number
  rowsRejected: number
  elapsedMs: number
}

export interface ProgressSnapshot extends BackfillCounters {
  finished: number
  /** Rows processed per second since the start. */
  rowsPerSecond: number
  /** Estimated time to finish the runs left, from the pace so far; undefined before the first run ends. */
  etaMs: number | undefined
}

export function emptyStatusCounts(): Record<JobStatus, number> {
  return { SUCCESS: 0, PARTIAL: 0, FAILED: 0, SKIPPED: 0, ABORTED: 0 }
}

/** Folds finished partitions into counters and derives pace and ETA. */
export class BackfillProgress {
  readonly counters: BackfillCounters
  readonly #started = performance.now()

  constructor(partitions: number, toRun: number) {
    this.counters = {
      partitions, toRun, notRun: 0, statuses: emptyStatusCounts(), skippedHeld: 0, skippedClosed: 0, abandoned: 0, runs: 0,
      rowsProcessed: 0, rowsPromoted: 0, rowsRejected: 0, elapsedMs: 0,
    }
  }

  recordPartition(partition: PartitionResult): void {
    const c = this.counters
    c.statuses[partition.status] += 1
    if (partition.status === 'SKIPPED') {
      if (wasHeld(partition.final)) c.skippedHeld += 1
      else c.skippedClosed += 1
    }
    for (const run of partition.attempts) {
      c.runs += 1
      c.rowsProcessed += run.valid + run.rejected
      c.rowsPromoted += run.promoted
      c.rowsRejected += run.rejected
    }
  }

  /** A run that ended without an outcome of its own: another process found its lease dead. */
  recordAbandoned(): void {
    this.counters.abandoned += 1
  }

  recordNotRun(): void {
    this.counters.notRun += 1
  }

  snapshot(): ProgressSnapshot {
    const elapsedMs = performance.now() - this.#started
    this.counters.elapsedMs = elapsedMs
    const finished = Object.values(this.counters.statuses).reduce((a, b) => a + b, 0) + this.counters.abandoned
    const left = Math.max(0, this.counters.toRun - finished)
    return {
      ...this.counters,
      statuses: { ...this.counters.statuses },
      elapsedMs,
      finished,
      rowsPerSecond: elapsedMs > 0 ? (this.counters.rowsProcessed * 1000) / elapsedMs : 0,
      etaMs: finished > 0 ? (elapsedMs / finished) * left : undefined,
    }
  }
}

/** One line for logs and non-interactive output. */
export function progressLine(s: ProgressSnapshot): string {
  const percent = s.toRun > 0 ? Math.floor((s.finished * 100) / s.toRun) : 100
  const eta = s.etaMs === undefined ? '?' : formatDuration(s.etaMs)
  const failed = s.statuses.FAILED + s.statuses.ABORTED + s.abandoned
  return `${s.finished}/${s.toRun} partitions (${percent}%), ${s.rowsProcessed} rows, ${Math.round(s.rowsPerSecond)} rows/s, ${failed} failed, elapsed ${formatDuration(s.elapsedMs)}, ETA ${eta}`
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}

/** Partitions this backfill meant to load and did not: failed, aborted, abandoned, incomplete or held by another run. */
export function notLoaded(s: BackfillCounters): number {
  return s.statuses.FAILED + s.statuses.ABORTED + s.statuses.PARTIAL + s.abandoned + s.skippedHeld
}

/** One line per outcome: `SUCCESS 58 · PARTIAL 1 · FAILED 2 · ABORTED 0 · ABANDONED 0 · skipped (held) 0`. */
export function outcomeLine(s: BackfillCounters): string {
  const { SUCCESS, PARTIAL, FAILED, ABORTED } = s.statuses
  return `SUCCESS ${SUCCESS} · PARTIAL ${PARTIAL} · FAILED ${FAILED} · ABORTED ${ABORTED} · ABANDONED ${s.abandoned} · skipped (held) ${s.skippedHeld}`
}

/** What was not run, and needed not be: `already loaded (plan) 3 · market closed 0`. */
export function notRunLine(s: BackfillCounters): string {
  return `already loaded (plan) ${s.notRun} · market closed ${s.skippedClosed}`
}
