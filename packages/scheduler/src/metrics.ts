import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { JobResult, JobStatus } from '@kmd/pipeline'
import type { SlotOutcome } from './slot-claims.ts'

const RUN_STATUSES: readonly JobStatus[] = ['SUCCESS', 'PARTIAL', 'FAILED', 'SKIPPED', 'ABORTED']

/**
 * The scheduler's Prometheus series, on a registry of its own (so several schedulers in one
 * process, as in the tests, never share counters). README "Scheduler" lists them.
 */
export class SchedulerMetrics {
  readonly registry: Registry
  readonly runs: Counter<'dataset' | 'status'>
  readonly rowsPromoted: Counter<'dataset'>
  readonly runDuration: Histogram<'dataset'>
  readonly lastSuccess: Gauge<'dataset'>
  readonly failedChecks: Counter<'dataset' | 'check'>
  readonly slots: Counter<'job' | 'outcome'>
  readonly lastTick: Gauge

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registry = (this.registry = new Registry())
    if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'kmd_scheduler_' })
    this.runs = new Counter({ name: 'kmd_job_runs_total', help: 'Job runs finished, by dataset and final status', labelNames: ['dataset', 'status'], registers: [registry] })
    this.rowsPromoted = new Counter({ name: 'kmd_rows_promoted_total', help: 'Rows written to production tables, by dataset', labelNames: ['dataset'], registers: [registry] })
    this.runDuration = new Histogram({
      name: 'kmd_job_run_duration_seconds',
      help: 'Wall time of job runs that did not end SKIPPED, by dataset',
      labelNames: ['dataset'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    })
    this.lastSuccess = new Gauge({ name: 'kmd_dataset_last_success_timestamp_seconds', help: 'Unix time of the last SUCCESS or PARTIAL run, by dataset', labelNames: ['dataset'], registers: [registry] })
    this.failedChecks = new Counter({ name: 'kmd_failed_checks_total', help: 'Validation checks that found issues, by dataset and check', labelNames: ['dataset', 'check'], registers: [registry] })
    this.slots = new Counter({ name: 'kmd_schedule_slots_total', help: 'Slots this instance claimed, by job and outcome', labelNames: ['job', 'outcome'], registers: [registry] })
    this.lastTick = new Gauge({ name: 'kmd_scheduler_last_tick_timestamp_seconds', help: 'Unix time of the scheduler loop\'s last completed tick', registers: [registry] })
  }

  /** Zero series for the scheduled datasets, so a dashboard sees 0 rather than no data before the first run. */
  initDatasets(datasets: readonly string[]): void {
    for (const dataset of datasets) {
      for (const status of RUN_STATUSES) this.runs.inc({ dataset, status }, 0)
      this.rowsPromoted.inc({ dataset }, 0)
    }
  }

  recordRun(result: JobResult, seconds: number, finishedAt: Date): void {
    this.runs.inc({ dataset: result.dataset, status: result.status })
    this.rowsPromoted.inc({ dataset: result.dataset }, result.promoted)
    if (result.status !== 'SKIPPED') this.runDuration.observe({ dataset: result.dataset }, seconds)
    if (result.status === 'SUCCESS' || result.status === 'PARTIAL') this.lastSuccess.set({ dataset: result.dataset }, finishedAt.getTime() / 1000)
    for (const check of result.failedChecks) this.failedChecks.inc({ dataset: result.dataset, check })
  }

  recordSlot(job: string, outcome: SlotOutcome): void {
    this.slots.inc({ job, outcome })
  }
}
