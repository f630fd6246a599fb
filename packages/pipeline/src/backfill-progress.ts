import type { JobResult, JobStatus } from './run-job.ts'

/** Counters of a backfill: what a progress bar, a log line and the closing summary show. Never a list of results. */
export interface BackfillCounters {
  /** Partitions of the range. */
  partitions: number
  /** Partitions the plan runs (known after the counting pass). */
  toRun: number
  /** Partitions the plan leaves alone (the ledger says they are done). */
  notRun: number
  /** Runs finished so far, by status. */
  statuses: Record<JobStatus, number>
  /** Rows carried through staging and validation (valid + rejected). */
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

/** Folds finished runs into counters and derives pace and ETA. */
export class BackfillProgress {
  readonly counters: BackfillCounters
  readonly #started = performance.now()

  constructor(partitions: number, toRun: number) {
    this.counters = { partitions, toRun, notRun: 0, statuses: emptyStatusCounts(), rowsProcessed: 0, rowsPromoted: 0, rowsRejected: 0, elapsedMs: 0 }
  }

  recordRun(result: JobResult): void {
    const c = this.counters
    c.statuses[result.status] += 1
    c.rowsProcessed += result.valid + result.rejected
    c.rowsPromoted += result.promoted
    c.rowsRejected += result.rejected
  }

  recordNotRun(): void {
    this.counters.notRun += 1
  }

  snapshot(): ProgressSnapshot {
    const elapsedMs = performance.now() - this.#started
    this.counters.elapsedMs = elapsedMs
    const finished = Object.values(this.counters.statuses).reduce((a, b) => a + b, 0)
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
  const failed = s.statuses.FAILED + s.statuses.ABORTED
  return `${s.finished}/${s.toRun} partitions (${percent}%), ${s.rowsProcessed} rows, ${Math.round(s.rowsPerSecond)} rows/s, ${failed} failed, elapsed ${formatDuration(s.elapsedMs)}, ETA ${eta}`
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}
