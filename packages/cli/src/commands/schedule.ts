import type { Command } from 'commander'
import { loadConfig, type AppConfig, type Logger } from '@kmd/core'
import { openDatabase, type MarketDatabase } from '@kmd/db'
import { createCollectors, loadSourcePlan, plannedSources, planWith, sourcesPassedOver } from '@kmd/pipeline'
import { createDashboardHandler, openDashboardDatabase, readWeeklyReport, reportPath, writeWeeklyReport } from '@kmd/dashboard'
import { Scheduler, SchedulerMetrics, createWebhookSender, freshnessTargets, loadJobs, seoulTime, startHealthServer, type JobDefinition, type SlotRecord } from '@kmd/scheduler'
import { commandLogger, requireCredentials } from '../context.ts'
import { describeResult } from './run.ts'

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('run the job table on its cron slots (Korea time) and the weekly report in the foreground, with /healthz, /metrics and the dashboard on SCHEDULER_PORT')
    .option('--once', 'run the due and missed (catch-up) slots, wait for them, and exit')
    .action(async (options: { once?: boolean }) => {
      const config = loadConfig(process.env)
      const jobs = await loadJobs(config.scheduler.scheduleFile)
      const sourcePlan = loadSourcePlan(config.sourcePlanJson)
      // KRX credentials are needed when some job asks KRX first; a job whose first source has
      // no login otherwise is not scheduled, and a fallback without one is passed over.
      const firstSources = jobs.map((job) => job.source ?? sourcePlan[job.dataset].primary)
      if (firstSources.includes('krx')) requireCredentials(config, 'krx')
      const logger = commandLogger(config, 'service')
      const planned = new Set(jobs.flatMap((job) => plannedSources(planWith(sourcePlan, job.dataset, job.source), job.dataset)))
      for (const { source, unset } of sourcesPassedOver(config, [...planned])) logger.warn({ source, unset }, `${source} passed over: ${unset.join(', ')} not set`)
      const database = await openDatabase(config)
      // The dashboard and the report read through a read-only connection of their own; the
      // embedded engine allows one per data folder, so there they share the pipeline's.
      const readerDatabase = config.databaseUrl || config.dashboard.databaseUrl ? await openDashboardDatabase(config) : database
      const closeDatabases = async () => {
        if (readerDatabase !== database) await readerDatabase.close()
        await database.close()
      }
      const scheduler = new Scheduler({
        database,
        logger,
        jobs,
        sourcePlan,
        collectors: createCollectors(config, logger),
        completenessThreshold: config.completenessThreshold,
        stagingRetentionDays: config.stagingRetentionDays,
        catchUpHours: config.scheduler.catchUpHours,
        partialRejectRatio: config.alerts.partialRejectRatio,
        webhook: config.alerts.webhookUrl ? createWebhookSender({ url: config.alerts.webhookUrl, logger }) : undefined,
        metrics: new SchedulerMetrics({ defaultMetrics: !options.once }),
        weeklyReport: {
          write: async (week) => writeWeeklyReport(await readWeeklyReport(readerDatabase, week), reportPath(config.reportDir, week)),
        },
      })
      if (options.once) {
        await runOnce(scheduler, closeDatabases)
        return
      }
      await runForeground(scheduler, logger, { port: config.scheduler.port, dashboard: dashboardOn(config, readerDatabase, jobs) }, closeDatabases)
    })
}

async function runOnce(scheduler: Scheduler, closeDatabase: () => Promise<void>): Promise<void> {
  try {
    for (const { job, reason } of scheduler.unscheduled) console.log(`not scheduled: ${job.name} (${reason})`)
    const report = await scheduler.tick()
    await scheduler.idle()
    if (report.started.length === 0) console.log('no slot due and none missed in the catch-up window')
    for (const record of scheduler.records) console.log(describeRecord(record))
    for (const slot of report.skippedOverrun) console.log(`${slot.job} ${seoulTime(slot.slot)}: SKIPPED_OVERRUN`)
    if (scheduler.records.some((record) => record.outcome === 'FAILED' || record.outcome === 'ERROR')) process.exitCode = 1
  } finally {
    await scheduler.stop()
    await closeDatabase()
  }
}

/**
 * Until SIGTERM or SIGINT: then no new slots, running jobs aborted through their AbortSignal
 * (each ends ABORTED before promotion or finishes the promotion it began), the HTTP server and
 * the database closed, exit 0. A second signal exits at once with 1.
 */
function dashboardOn(config: AppConfig, database: MarketDatabase, jobs: readonly JobDefinition[]) {
  return { host: config.dashboard.host, handle: createDashboardHandler({ database, freshnessTargets: (now) => freshnessTargets(jobs, now) }) }
}

async function runForeground(
  scheduler: Scheduler,
  logger: Logger,
  http: { port: number; dashboard: ReturnType<typeof dashboardOn> },
  closeDatabase: () => Promise<void>,
): Promise<void> {
  // 0.0.0.0 so the port can be published from a container; the dashboard answers on DASHBOARD_HOST only.
  const server = await startHealthServer({ scheduler, logger, port: http.port, host: '0.0.0.0', dashboard: http.dashboard })
  logger.info({ port: server.port, instance: scheduler.instanceId, dashboardHost: http.dashboard.host }, 'scheduler listening: GET /healthz, GET /metrics, the dashboard at /')
  scheduler.start()
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  const forceExit = (second: NodeJS.Signals) => {
    logger.error({ signal: second }, 'second signal: exiting without waiting for the running jobs')
    process.exit(1)
  }
  process.once('SIGTERM', forceExit)
  process.once('SIGINT', forceExit)
  logger.info({ signal }, 'stopping: no new slots; running jobs end ABORTED before promotion or finish promoting')
  await scheduler.stop(signal)
  for (const record of scheduler.records.filter((entry) => entry.outcome === 'ABORTED')) {
    logger.warn({ job: record.job, slot: seoulTime(record.slot) }, 'aborted before promotion, production untouched; the slot is run again at the next start (catch-up window)')
  }
  await server.close()
  await closeDatabase()
  logger.info('scheduler stopped')
  process.exit(0)
}

function describeRecord(record: SlotRecord): string {
  const head = `${record.job} ${seoulTime(record.slot)}`
  if (!record.partition) return `${head}: ${record.outcome}`
  const runs = record.partition.attempts.map(describeResult).join('\n')
  return record.partition.attempts.length > 1 ? `${head}: ${record.outcome}\n${runs}` : `${head}: ${runs}`
}
