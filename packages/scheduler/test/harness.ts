import { Writable } from 'node:stream'
import { sql } from 'kysely'
import { DAILY_DATASETS, createLogger, loadConfig, type Logger } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import type { MarketDatabase } from '@kmd/db'
import { krxCollectors, type CollectorRegistry } from '@kmd/pipeline'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { Scheduler, resolveJobs, type JobDefinition, type SchedulerOptions } from '../src/index.ts'

export const STOCKS = 120

/** The simulator with pacing lifted and KRX collectors for the daily datasets only. */
export async function startSource(): Promise<{ simulator: RunningSimulator; collectors: CollectorRegistry }> {
  const simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  const config = loadConfig({ KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '2000' })
  const all = krxCollectors(createKrxClient(config, { logger: createLogger({ level: 'silent' }), retries: 1, minRetryDelayMs: 5 }))
  // Only the datasets with collectors today, whatever else lands: tests pin the job table.
  const daily = Object.fromEntries(DAILY_DATASETS.flatMap((dataset) => (all[dataset] ? [[dataset, all[dataset]]] : [])))
  return { simulator, collectors: { krx: daily } }
}

/** A logger whose JSON lines the test can read. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter((line) => line !== ''))
      done()
    },
  })
  return { logger: createLogger({ level: 'debug', destination }), lines }
}

/** A scheduler on the default job table, frozen at `now` unless a test moves its clock. */
export function makeScheduler(database: MarketDatabase, collectors: CollectorRegistry, options: Partial<SchedulerOptions> & { now?: Date } = {}): Scheduler & { clockAt: { now: Date } } {
  const clockAt = { now: options.now ?? new Date('2026-11-18T09:30:00Z') }
  const scheduler = new Scheduler({
    database,
    collectors,
    logger: createLogger({ level: 'silent' }),
    jobs: resolveJobs(),
    catchUpHours: 6,
    clock: () => clockAt.now,
    ...options,
  })
  return Object.assign(scheduler, { clockAt })
}

export function jobsNamed(...names: string[]): JobDefinition[] {
  return resolveJobs().filter((job) => names.includes(job.name))
}

export async function logsOf(database: MarketDatabase, dataset: string, tradeDate: string) {
  return database.db
    .selectFrom('data_collection_logs')
    .select(['run_id', 'status', 'trigger', 'error_message', 'records_promoted'])
    .where('data_type', '=', dataset)
    .where('partition_key', '=', tradeDate)
    .orderBy('id')
    .execute()
}

export async function slotRowsOf(database: MarketDatabase, jobName: string) {
  const { rows } = await sql<{ slot: Date; claimed_by: string; outcome: string | null; finished_at: Date | null }>`
    select slot, claimed_by, outcome, finished_at from schedule_slots where job_name = ${jobName} order by slot`.execute(database.db)
  return rows
}

export async function productionCount(database: MarketDatabase, table: 'ohlcv_daily' | 'market_cap_daily' | 'investor_trading', date: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where time = ${date}`.execute(database.db)
  return rows[0]!.n
}
