import type { Command } from 'commander'
import { sql } from 'kysely'
import { DAY_GRAIN_DATASETS, lastClosedSession, REFERENCE_DATASETS, lastTradingDays, loadConfig, type Dataset } from '@kmd/core'
import { openDatabase, type MarketDatabase } from '@kmd/db'
import { createCollectors, decide, loadSourcePlan, plannedSources, readLedger, runDurationMs, runWithFallback, type JobResult } from '@kmd/pipeline'
import { commandLogger, retriesLine } from '../context.ts'
import { formatTable, say } from '../table.ts'
import { migrate } from './migrate.ts'

const DEMO_MEMBER = { id: 'demo', password: 'demo-password' }

// Reference data is loaded once, as of the last day, the market calendar first: a run
// reads from it whether the market is closed on its day.
const CALENDAR: Dataset = 'market_calendar'
const REFERENCE_LOAD_ORDER: readonly Dataset[] = [CALENDAR, ...REFERENCE_DATASETS.filter((dataset) => dataset !== CALENDAR)]

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the source simulator, migrate, load reference data and the last five trading days of every daily dataset, print a summary')
    .option('--days <n>', 'trading days to load', (v) => Number.parseInt(v, 10), 5)
    .option('--reload', 'load again what an earlier demo loaded completely (default: leave it, reported unchanged)')
    .action(async (options: { days: number; reload?: boolean }) => {
      await runDemo(options.days, options.reload === true)
    })
}

async function runDemo(dayCount: number, reload: boolean): Promise<void> {
  const { LOOPBACK_INFOMAX_RATE_LIMIT, simulatorEnvironment, startSimulator } = await import('@kmd/source-simulator')
  const simulator = await startSimulator({ port: 0, members: { [DEMO_MEMBER.id]: DEMO_MEMBER.password }, infomax: { rateLimit: LOOPBACK_INFOMAX_RATE_LIMIT } })
  const config = loadConfig({
    ...process.env,
    ...simulatorEnvironment(simulator.url, DEMO_MEMBER),
    KIS_TOKEN_CACHE_DIR: process.env.KIS_TOKEN_CACHE_DIR ?? '.data/kis-token-demo',
  })
  const logger = commandLogger(config)
  let database: MarketDatabase | undefined
  try {
    say(`source simulator: ${simulator.url}`)
    database = await openDatabase(config)
    say((await migrate(database, { compressAfterDays: config.minuteBarsCompressAfterDays, retentionDays: config.minuteBarsRetentionDays })).join('\n'))

    // Days whose sessions are over: today only once its figures are final.
    const days = lastTradingDays(dayCount, lastClosedSession(new Date()))
    const lastDay = days[days.length - 1]!
    const collectors = createCollectors(config, logger)
    const plan = loadSourcePlan(config.sourcePlanJson)
    const results: JobResult[] = []
    const unchanged: Dataset[] = []
    const started = performance.now()
    const load = async (dataset: Dataset, tradeDate: string) => {
      // The backfill's rule: a partition the run log and the completeness ledger call loaded is left alone.
      const entry = reload ? undefined : (await readLedger(database!.db, dataset, plannedSources(plan, dataset), [tradeDate])).get(tradeDate)
      if (entry && decide('missing', entry).action === 'skip') {
        unchanged.push(dataset)
        say(`  ${tradeDate} ${dataset.padEnd(17)} unchanged (loaded by an earlier run; --reload loads it again)`)
        return
      }
      const { final, attempts } = await runWithFallback({ database: database!, logger, collectors, completenessThreshold: config.completenessThreshold, stagingRetentionDays: config.stagingRetentionDays }, plan, { dataset, tradeDate, trigger: 'demo' })
      results.push(final)
      const via = attempts.length > 1 ? ` (after ${attempts.slice(0, -1).map((a) => `${a.source} ${a.status}`).join(', ')})` : ''
      say(`  ${tradeDate} ${dataset.padEnd(17)} ${final.source.padEnd(7)} ${final.status.padEnd(8)} promoted ${String(final.promoted).padStart(6)}  rejected ${String(final.rejected).padStart(4)}  ${runDurationMs(final)} ms${via}`)
    }
    say(`\nreference data as of ${lastDay}`)
    for (const dataset of REFERENCE_LOAD_ORDER) await load(dataset, lastDay)
    say(`\n${days.length} trading days (${days[0]} .. ${lastDay}) of ${DAY_GRAIN_DATASETS.join(', ')}`)
    for (const tradeDate of days) {
      for (const dataset of DAY_GRAIN_DATASETS) await load(dataset, tradeDate)
    }
    printSummary(results, unchanged, performance.now() - started)
    await printSampleQuery(database, lastDay)
    if (results.some((r) => r.status === 'FAILED')) process.exitCode = 1
  } finally {
    await database?.close()
    await simulator.stop()
  }
}

function printSummary(results: JobResult[], unchanged: readonly Dataset[], elapsedMs: number): void {
  say('\nsummary per dataset')
  say(formatTable(
    [...REFERENCE_LOAD_ORDER, ...DAY_GRAIN_DATASETS].map((dataset: Dataset) => {
      const mine = results.filter((r) => r.dataset === dataset)
      const sum = (pick: (r: JobResult) => number) => mine.reduce((total, r) => total + pick(r), 0)
      const stage = (name: string) => sum((r) => r.timings[name] ?? 0)
      return {
        dataset,
        runs: mine.map((r) => r.status).join(' '),
        unchanged: unchanged.filter((d) => d === dataset).length,
        sources: [...new Set(mine.map((r) => r.source))].join(' '),
        promoted: sum((r) => r.promoted),
        rejected: sum((r) => r.rejected),
        'failed checks': [...new Set(mine.flatMap((r) => r.failedChecks))].join(', ') || '-',
        'collect ms': stage('collect'),
        'stage ms': stage('stage'),
        'validate ms': stage('validate'),
        'promote ms': stage('promote'),
      }
    }),
  ))
  say(`total ${(elapsedMs / 1000).toFixed(1)} s`)
  const retries = retriesLine()
  if (retries) say(retries)
}

async function printSampleQuery(database: MarketDatabase, tradeDate: string): Promise<void> {
  const query = sql<{ stock_code: string; close_price: number; volume: number; market_cap: number; foreign_net: number | null }>`
    select o.stock_code, o.close_price, o.volume, m.market_cap,
           (select sum(net_buy_volume) from investor_trading i
             where i.stock_code = o.stock_code and i.time = o.time and i.investor_type in ('foreign', 'other_foreign'))::bigint as foreign_net
    from ohlcv_daily o
    join market_cap_daily m using (stock_code, time)
    where o.time = ${tradeDate}
    order by m.market_cap desc
    limit 5`
  say(`\nsample query: the five largest stocks on ${tradeDate} with foreigners' net buying`)
  say(
    `  select o.stock_code, o.close_price, o.volume, m.market_cap, <foreign net> from ohlcv_daily o join market_cap_daily m using (stock_code, time) where o.time = '${tradeDate}' order by m.market_cap desc limit 5`,
  )
  const { rows } = await query.execute(database.db)
  say(formatTable(rows))
}
