import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { sql } from 'kysely'
import { maskSecretsInText, type Logger } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { DEFAULT_SOURCE_PLAN, describeSources, planWith, plannedSources, RunLedger, sourcesToTry, type CollectorRegistry, type RunLease, type SourcePlan } from '@kmd/pipeline'
import { toWebhookPayload, type Alert } from './alerts.ts'
import { fireAtSlots, nextSlotAfter, seoulTime, slotsBetween, type CronLogger, type ScheduledTask } from './cron-slots.ts'
import { checkFreshness } from './freshness-alerts.ts'
import { SchedulerMetrics } from './metrics.ts'
import type { JobDefinition } from './schedule-config.ts'
import { abandonedSlots, claimSlot, finishSlot, isReclaimable, slotRows, type SlotOutcome } from './slot-claims.ts'
import { runSlot, type RunnableJob, type SlotRecord, type SlotRunContext } from './slot-runner.ts'
import type { WebhookSender } from './webhook.ts'
import { runDueWeeklyReports, type WeeklyReportTask } from './weekly-report-job.ts'

export interface SchedulerOptions {
  database: MarketDatabase
  logger: Logger
  collectors: CollectorRegistry
  jobs: readonly JobDefinition[]
  /** Which sources load each dataset, in order (SOURCE_PLAN); default DEFAULT_SOURCE_PLAN. A job with its own `source` uses that one alone. */
  sourcePlan?: SourcePlan
  /** Slots missed within this many hours (while down, or released) are run once. */
  catchUpHours: number
  /** PARTIAL runs that rejected more than this share of the fetched rows raise an alert. */
  partialRejectRatio?: number
  /** Where alerts go; without one they are only logged. */
  webhook?: WebhookSender
  metrics?: SchedulerMetrics
  /** The scheduler's idea of now (tests pass a fixed one). */
  clock?: () => Date
  /** Who claims slots; unique per instance. */
  instanceId?: string
  /** How often `start()` ticks; the loop counts as dead after three missed ticks. */
  tickIntervalMs?: number
  refreshAggregates?: boolean
  /** Share of a partition's expected keys below which the day is incomplete (COMPLETENESS_THRESHOLD). */
  completenessThreshold?: number
  /** Purge promoted staging batches older than this many days after each promotion (STAGING_RETENTION_DAYS). */
  stagingRetentionDays?: number
  /** Writes the weekly data-quality report on its Monday slot; without it no report is scheduled. */
  weeklyReport?: WeeklyReportTask
}

export interface SlotRef {
  job: string
  slot: Date
}

export interface TickReport {
  at: Date
  /** Slots this instance claimed and started (or queued behind an earlier slot of the same job). */
  started: SlotRef[]
  /** Slots not started because the job was still running here (recorded SKIPPED_OVERRUN). */
  skippedOverrun: SlotRef[]
  /** Jobs whose data was found stale and alerted on by this instance. */
  staleAlerts: string[]
  /** Slots whose replica died mid-run, found at this tick and marked ABANDONED (claimable again). */
  abandoned: SlotRef[]
  /** ISO weeks whose data-quality report this instance wrote. */
  reports: string[]
}

export interface HealthReport {
  healthy: boolean
  body: {
    status: 'ok' | 'unhealthy'
    instance: string
    lastTick: string | null
    loop: 'alive' | 'stopped' | 'not started' | 'late'
    database: 'ok' | string
    jobs: Array<{ name: string; dataset: string; sources: string[]; cron: string; running: string | null; nextSlot: string | null; last: { slot: string; tradeDate: string; outcome: SlotOutcome } | null }>
    unscheduled: Array<{ name: string; dataset: string; sources: string[]; reason: string }>
  }
}

// Even with no catch-up, a tick looks this far back, so a slot is not lost to a late timer.
const MIN_WINDOW_MS = 5 * 60_000
const DATABASE_PING_TIMEOUT_MS = 5_000
const RECENT_RECORDS = 200
// A slot whose run died is re-run if it is at most this old, even outside the catch-up window.
const ABANDONED_RETRY_MS = 24 * 3_600_000

/**
 * Fires the job table's slots in Korea time. Each `tick(now)` claims the slots due in the
 * catch-up window that nobody has (schedule_slots: first insert wins across replicas) and runs
 * them through the source plan (runWithFallback); node-cron and a minute timer call it in production, tests call it with
 * chosen instants. A job still running here is not started again: its new slot is recorded
 * SKIPPED_OVERRUN. `stop()` aborts the running jobs through their AbortSignal.
 */
export class Scheduler {
  readonly instanceId: string
  readonly metrics: SchedulerMetrics
  readonly jobs: readonly RunnableJob[]
  readonly unscheduled: ReadonlyArray<{ job: JobDefinition; reason: string }>
  lastTick: Date | undefined
  /** Finished slots of this instance, newest last. */
  readonly records: SlotRecord[] = []

  private readonly options: SchedulerOptions
  private readonly clock: () => Date
  private readonly tickIntervalMs: number
  private readonly controller = new AbortController()
  private readonly running = new Map<string, { current: Date | undefined; done: Promise<void> }>()
  private readonly lastRecord = new Map<string, SlotRecord>()
  private tickQueue: Promise<unknown> = Promise.resolve()
  private cronTasks: ScheduledTask[] = []
  private timer: NodeJS.Timeout | undefined
  private started = false
  private stopped = false

  constructor(options: SchedulerOptions) {
    this.options = options
    this.clock = options.clock ?? (() => new Date())
    this.tickIntervalMs = options.tickIntervalMs ?? 60_000
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    this.metrics = options.metrics ?? new SchedulerMetrics()
    const runnable: RunnableJob[] = []
    const unscheduled: Array<{ job: JobDefinition; reason: string }> = []
    for (const job of options.jobs) {
      const plan = planWith(options.sourcePlan ?? DEFAULT_SOURCE_PLAN, job.dataset, job.source)
      const sources = sourcesToTry(plan, job.dataset, options.collectors)
      if (sources.length > 0) runnable.push({ ...job, dataset: job.dataset as RunnableJob['dataset'], plan, sources })
      else unscheduled.push({ job, reason: job.source ? `source "${job.source}" has no collector for ${job.dataset} yet` : `no source of the plan (${describeSources(plan, job.dataset)}) has a collector for ${job.dataset} yet` })
    }
    this.jobs = runnable
    this.unscheduled = unscheduled
    this.metrics.initDatasets([...new Set(runnable.map((job) => job.dataset))])
    for (const { job, reason } of unscheduled) options.logger.warn({ job: job.name, dataset: job.dataset }, `job not scheduled: ${reason}`)
  }

  /** Claims and starts the due slots at `now`, then checks freshness. Ticks run one at a time. */
  tick(now: Date = this.clock()): Promise<TickReport> {
    const next = this.tickQueue.then(() => this.tickNow(now))
    this.tickQueue = next.catch(() => undefined)
    return next
  }

  /** Resolves when no job of this instance is running. */
  async idle(): Promise<void> {
    await this.tickQueue
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((run) => run.done))
  }

  /** Production firing: node-cron per expression (Asia/Seoul) plus a timer, and a first tick for catch-up. */
  start(): void {
    if (this.started || this.stopped) return
    this.started = true
    const byExpression = new Map<string, RunnableJob[]>()
    for (const job of this.jobs) byExpression.set(job.cron.expression, [...(byExpression.get(job.cron.expression) ?? []), job])
    for (const jobs of byExpression.values()) {
      this.cronTasks.push(fireAtSlots(jobs[0]!.cron, () => this.tickLogged(), { name: `kmd ${jobs.map((job) => job.name).join(',')}`, logger: this.cronLogger() }))
    }
    // The timer catches a firing node-cron missed (a blocked event loop) and runs freshness checks.
    this.timer = setInterval(() => this.tickLogged(), this.tickIntervalMs)
    this.tickLogged()
    for (const job of this.jobs) {
      const next = nextSlotAfter(job.cron, this.clock())
      this.options.logger.info({ job: job.name, dataset: job.dataset, sources: job.sources, cron: job.cron.expression, nextSlot: next ? seoulTime(next) : null }, 'job scheduled')
    }
  }

  /**
   * Stops taking slots and aborts the running jobs: each ends ABORTED before promotion or
   * finishes a promotion it had begun. Resolves when they have.
   */
  async stop(reason = 'shutdown'): Promise<void> {
    this.stopped = true
    for (const task of this.cronTasks) await task.destroy()
    this.cronTasks = []
    if (this.timer) clearInterval(this.timer)
    this.controller.abort(reason)
    await this.idle()
  }

  async health(): Promise<HealthReport> {
    const now = this.clock()
    const loop = this.stopped ? 'stopped' : !this.lastTick ? 'not started' : now.getTime() - this.lastTick.getTime() > 3 * this.tickIntervalMs ? 'late' : 'alive'
    const database = await this.pingDatabase()
    const healthy = loop === 'alive' && database === 'ok'
    return {
      healthy,
      body: {
        status: healthy ? 'ok' : 'unhealthy',
        instance: this.instanceId,
        lastTick: this.lastTick?.toISOString() ?? null,
        loop,
        database,
        jobs: this.jobs.map((job) => {
          const last = this.lastRecord.get(job.name)
          const current = this.running.get(job.name)?.current
          const next = nextSlotAfter(job.cron, now)
          return {
            name: job.name,
            dataset: job.dataset,
            sources: [...job.sources],
            cron: job.cron.expression,
            running: current ? seoulTime(current) : null,
            nextSlot: next ? seoulTime(next) : null,
            last: last ? { slot: seoulTime(last.slot), tradeDate: last.tradeDate, outcome: last.outcome } : null,
          }
        }),
        unscheduled: this.unscheduled.map(({ job, reason }) => ({ name: job.name, dataset: job.dataset, sources: plannedSources(planWith(this.options.sourcePlan ?? DEFAULT_SOURCE_PLAN, job.dataset, job.source), job.dataset), reason })),
      },
    }
  }

  // node-cron's own messages (e.g. a missed execution) as JSON lines of the project's logger.
  private cronLogger(): CronLogger {
    const logger = this.options.logger.child({ component: 'node-cron' })
    return {
      info: (message: string) => logger.debug(message),
      warn: (message: string) => logger.warn(message),
      error: (message: string | Error, err?: Error) => logger.error({ err: err ?? message }, String(message)),
      debug: (message: string | Error) => logger.debug(String(message)),
    }
  }

  private tickLogged(): void {
    this.tick().catch((error: unknown) => this.options.logger.error({ err: error }, 'scheduler tick failed; the next tick tries again'))
  }

  private async tickNow(now: Date): Promise<TickReport> {
    const report: TickReport = { at: now, started: [], skippedOverrun: [], staleAlerts: [], abandoned: [], reports: [] }
    if (this.stopped) return report
    const { db } = this.options.database
    // Runs and slots of processes that died (a replica killed mid-slot) become ABANDONED, and claimable.
    const reaped = await new RunLedger(this.options.database).reap()
    report.abandoned = reaped.slots
    for (const slot of reaped.slots) this.metrics.recordSlot(slot.job, 'ABANDONED')
    for (const run of reaped.runs) this.options.logger.warn({ runId: run.runId, dataset: run.dataset, partition: run.partitionKey }, `run marked ABANDONED: ${run.reason}`)
    const windowMs = Math.max(this.options.catchUpHours * 3_600_000, MIN_WINDOW_MS)
    const after = new Date(now.getTime() - windowMs)
    const jobNames = this.jobs.map((job) => job.name)
    const taken = new Map((await slotRows(db, jobNames, after, now)).map((row) => [slotKey(row.job_name, row.slot), row]))
    const retry = await abandonedSlots(db, jobNames, new Date(now.getTime() - ABANDONED_RETRY_MS), after)

    for (const job of this.jobs) {
      const inWindow = slotsBetween(job.cron, after, now).filter((slot) => {
        const row = taken.get(slotKey(job.name, slot))
        return !row || isReclaimable(row.outcome)
      })
      const older = retry.filter((row) => row.job_name === job.name).map((row) => new Date(row.slot)).filter((slot) => !inWindow.some((due) => due.getTime() === slot.getTime()))
      if (inWindow.length + older.length === 0 || this.stopped) continue
      if (this.running.has(job.name)) {
        // A slot someone already tried (ABORTED, NOT_STARTED, ABANDONED) waits for the job to be free
        // here or for another replica; only a fresh one is recorded as overrun.
        for (const slot of inWindow.filter((due) => !taken.has(slotKey(job.name, due)))) {
          if (!(await claimSlot(db, job.name, slot, this.instanceId, 'SKIPPED_OVERRUN'))) continue
          report.skippedOverrun.push({ job: job.name, slot })
          this.metrics.recordSlot(job.name, 'SKIPPED_OVERRUN')
          this.options.logger.warn({ job: job.name, slot: seoulTime(slot), running: seoulTime(this.running.get(job.name)!.current ?? slot) }, 'slot skipped: the job is still running its previous slot')
        }
        continue
      }
      // The slots live by this process's run lease: if it dies mid-slot, any replica re-runs them.
      const lease = await new RunLedger(this.options.database).lease()
      const claimed: Date[] = []
      for (const slot of [...older, ...inWindow]) if (await claimSlot(db, job.name, slot, this.instanceId, undefined, lease.key)) claimed.push(slot)
      if (claimed.length === 0) {
        await lease.release()
        continue
      }
      report.started.push(...claimed.map((slot) => ({ job: job.name, slot })))
      this.runSlots(job, claimed, lease)
    }

    report.staleAlerts = await checkFreshness({
      database: this.options.database, jobs: this.jobs, metrics: this.metrics, holder: this.instanceId, now, alert: (alert) => this.sendAlert(alert),
    })
    if (this.options.weeklyReport) {
      report.reports = await runDueWeeklyReports({
        db, task: this.options.weeklyReport, logger: this.options.logger, webhook: this.options.webhook, holder: this.instanceId, after, now,
      })
    }
    this.lastTick = now
    this.metrics.lastTick.set(now.getTime() / 1000)
    return report
  }

  // One job's claimed slots, oldest first, one after another; the job counts as running throughout.
  private runSlots(job: RunnableJob, slots: Date[], lease: RunLease): void {
    const state: { current: Date | undefined; done: Promise<void> } = { current: undefined, done: Promise.resolve() }
    state.done = (async () => {
      for (const slot of slots) {
        if (this.controller.signal.aborted) {
          // Shutting down before this slot began: give it back for the next start's catch-up.
          await finishSlot(this.options.database.db, job.name, slot, this.instanceId, 'NOT_STARTED').catch(() => undefined)
          this.metrics.recordSlot(job.name, 'NOT_STARTED')
          continue
        }
        state.current = slot
        this.options.logger.info({ job: job.name, slot: seoulTime(slot) }, 'slot started')
        this.remember(await runSlot(this.slotContext(), job, slot))
      }
    })().finally(async () => {
      this.running.delete(job.name)
      await lease.release()
    })
    this.running.set(job.name, state)
  }

  private slotContext(): SlotRunContext {
    const { database, logger, collectors, refreshAggregates, completenessThreshold, stagingRetentionDays } = this.options
    return {
      database, logger, collectors, refreshAggregates, completenessThreshold, stagingRetentionDays,
      metrics: this.metrics,
      signal: this.controller.signal,
      holder: this.instanceId,
      host: hostname(),
      partialRejectRatio: this.options.partialRejectRatio ?? 0.01,
      alert: (alert) => this.sendAlert(alert),
    }
  }

  private remember(record: SlotRecord): void {
    this.lastRecord.set(record.job, record)
    this.records.push(record)
    if (this.records.length > RECENT_RECORDS) this.records.shift()
  }

  private async sendAlert(alert: Alert): Promise<void> {
    const payload = toWebhookPayload(alert)
    this.options.logger.warn({ alert: alert.kind, job: alert.job, dataset: alert.dataset, tradeDate: alert.tradeDate, webhook: Boolean(this.options.webhook) }, payload.text)
    if (this.options.webhook) await this.options.webhook(payload)
  }

  private async pingDatabase(): Promise<string> {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        sql`select 1`.execute(this.options.database.db),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PING_TIMEOUT_MS} ms`)), DATABASE_PING_TIMEOUT_MS)
        }),
      ])
      return 'ok'
    } catch (error) {
      return `error: ${maskSecretsInText((error as Error).message)}`
    } finally {
      clearTimeout(timer)
    }
  }
}

function slotKey(job: string, slot: Date): string {
  return `${job}@${slot.toISOString()}`
}
