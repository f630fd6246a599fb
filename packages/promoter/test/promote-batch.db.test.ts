import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { aggregateDefinition, aggregateSelect, detectCapabilities } from '@kmd/db'
import { useMigratedDatabase } from '@kmd/db/testing'
import { promoteBatch, RunLedger, settleAggregateBacklog } from '../src/index.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

interface Bar {
  code: string
  close: number
  status?: 'valid' | 'rejected'
  high?: number
  open?: number
  low?: number
}

/** Stages bars as validated rows and opens a RUNNING log row, as the pipeline would. */
async function stageValidated(tradeDate: string, bars: Bar[]) {
  const runId = randomUUID()
  const batchId = randomUUID()
  await new RunLedger(testDb.current.database).start({ runId, dataset: 'ohlcv_daily', source: 'krx', partitionKey: tradeDate, tradeDate, trigger: 'manual' })
  await db().insertInto('staging.batches').values({ batch_id: batchId, run_id: runId, dataset: 'ohlcv_daily', source: 'krx', partition_key: tradeDate, row_count: bars.length }).execute()
  let rowNumber = 0
  for (const bar of bars) {
    rowNumber += 1
    await sql`
      insert into staging.ohlcv_daily (batch_id, row_number, stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, validation_status, reject_reasons)
      values (${batchId}, ${rowNumber}, ${bar.code}, ${tradeDate}, ${bar.open ?? bar.close}, ${bar.high ?? bar.close + 10}, ${bar.low ?? bar.close - 10}, ${bar.close}, 100, ${bar.close * 100},
              ${bar.status ?? 'valid'}, ${bar.status === 'rejected' ? sql`array['ohlc_consistency: test']` : null})`.execute(db())
  }
  return { runId, batchId, dataset: 'ohlcv_daily' as const, source: 'krx', tradeDate }
}

async function production(tradeDate: string) {
  return db().selectFrom('ohlcv_daily').select(['stock_code', 'close_price', 'batch_id']).where('time', '=', tradeDate).orderBy('stock_code').execute()
}

async function logRow(runId: string) {
  return db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', runId).executeTakeFirstOrThrow()
}

describe('promoteBatch', () => {
  test('promotes only rows that passed validation and finishes the log row as PARTIAL', async () => {
    const target = await stageValidated('2024-02-01', [
      { code: '005930', close: 1000 },
      { code: '000660', close: 2000, status: 'rejected' },
      { code: '035720', close: 3000 },
    ])
    const report = await promoteBatch(testDb.current.database, target, { counts: { fetched: 3, staged: 3 }, stageTimings: { collect: 5 } })
    expect(report).toMatchObject({ status: 'PARTIAL', promoted: 2, valid: 2, rejected: 1 })
    expect((await production('2024-02-01')).map((r) => r.stock_code)).toEqual(['005930', '035720'])
    const log = await logRow(target.runId)
    expect(log).toMatchObject({ status: 'PARTIAL', records_fetched: 3, records_staged: 3, records_count: 2, records_rejected: 1, records_promoted: 2, batch_id: target.batchId })
    expect(log.completed_at).not.toBeNull()
    expect(log.duration_ms).toBeGreaterThanOrEqual(0)
    expect(log.stage_timings).toMatchObject({ collect: 5, promote: expect.any(Number) })
  })

  test('a clean batch finishes as SUCCESS', async () => {
    const target = await stageValidated('2024-02-02', [{ code: '005930', close: 1000 }])
    expect((await promoteBatch(testDb.current.database, target)).status).toBe('SUCCESS')
    expect((await logRow(target.runId)).status).toBe('SUCCESS')
  })

  test('re-running a partition converges: unchanged rows are not rewritten, changed ones are', async () => {
    const first = await stageValidated('2024-02-05', [{ code: '005930', close: 1000 }, { code: '000660', close: 2000 }])
    await promoteBatch(testDb.current.database, first)
    const again = await stageValidated('2024-02-05', [{ code: '005930', close: 1000 }, { code: '000660', close: 2000 }])
    expect((await promoteBatch(testDb.current.database, again)).promoted).toBe(0)
    const corrected = await stageValidated('2024-02-05', [{ code: '005930', close: 1000 }, { code: '000660', close: 2100 }])
    expect((await promoteBatch(testDb.current.database, corrected)).promoted).toBe(1)
    const rows = await production('2024-02-05')
    expect(rows.map((r) => [r.stock_code, r.close_price])).toEqual([['000660', 2100], ['005930', 1000]])
    expect(rows.find((r) => r.stock_code === '000660')!.batch_id).toBe(corrected.batchId)
    expect(rows.find((r) => r.stock_code === '005930')!.batch_id).toBe(first.batchId)
  })

  test('a failure inside promotion leaves production and the log untouched', async () => {
    // high below close passes as "valid" here only because this test skips the validators;
    // the table's own check refuses it, which aborts the whole transaction.
    const target = await stageValidated('2024-02-06', [{ code: '005930', close: 1000 }, { code: '000660', close: 2000, high: 1500 }])
    await expect(promoteBatch(testDb.current.database, target)).rejects.toThrow(/check constraint/)
    expect(await production('2024-02-06')).toEqual([])
    expect((await logRow(target.runId)).status).toBe('RUNNING')
    const batch = await db().selectFrom('staging.batches').select('status').where('batch_id', '=', target.batchId).executeTakeFirstOrThrow()
    expect(batch.status).toBe('loaded')
  })

  test('refuses a batch that has not been validated', async () => {
    const target = await stageValidated('2024-02-07', [{ code: '005930', close: 1000 }])
    await sql`update staging.ohlcv_daily set validation_status = 'pending' where batch_id = ${target.batchId}`.execute(db())
    await expect(promoteBatch(testDb.current.database, target)).rejects.toThrow(/not yet validated/)
  })

  test('refreshes the weekly and monthly aggregates for the promoted dates', async () => {
    const capabilities = await detectCapabilities(db())
    const target = await stageValidated('2024-03-13', [{ code: '012450', close: 5000 }])
    const report = await promoteBatch(testDb.current.database, target)
    expect(report.refreshedAggregates).toEqual(['ohlcv_weekly', 'ohlcv_monthly'])
    // Read only what was materialised, so real-time aggregation cannot hide a missing refresh.
    if (capabilities.timescaledbInstalled) await sql`alter materialized view ohlcv_weekly set (timescaledb.materialized_only = true)`.execute(db())
    try {
      const weekly = await db().selectFrom('ohlcv_weekly').select(['bucket', 'close_price']).where('stock_code', '=', '012450').execute()
      expect(weekly.map((w) => [w.bucket, w.close_price])).toEqual([['2024-03-11', 5000]])
    } finally {
      if (capabilities.timescaledbInstalled) await sql`alter materialized view ohlcv_weekly set (timescaledb.materialized_only = false)`.execute(db())
    }
  })

  describe('aggregates', () => {
    const VIEWS = ['ohlcv_weekly', 'ohlcv_monthly', 'investor_trading_weekly']
    const ordered = (rows: Array<Record<string, unknown>>) =>
      rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).sort()

    /** Every aggregate as stored (TimescaleDB: materialised buckets only) and as recomputed from production with its own query. */
    async function storedAndRecomputed(timescaledb: boolean) {
      const pairs: Record<string, { stored: string[]; recomputed: string[] }> = {}
      for (const view of VIEWS) {
        if (timescaledb) await sql`alter materialized view ${sql.table(view)} set (timescaledb.materialized_only = true)`.execute(db())
        try {
          const stored = await sql<Record<string, unknown>>`select * from ${sql.table(view)}`.execute(db())
          const recomputed = await sql<Record<string, unknown>>`${aggregateSelect(timescaledb, aggregateDefinition(timescaledb, view))}`.execute(db())
          pairs[view] = { stored: ordered(stored.rows), recomputed: ordered(recomputed.rows) }
        } finally {
          if (timescaledb) await sql`alter materialized view ${sql.table(view)} set (timescaledb.materialized_only = false)`.execute(db())
        }
      }
      return pairs
    }

    /** Plain PostgreSQL: the transaction that last wrote each aggregate row, by view and key. */
    async function writers(): Promise<Record<string, string>> {
      const written: Record<string, string> = {}
      for (const view of ['ohlcv_weekly', 'ohlcv_monthly']) {
        const { rows } = await sql<{ stock_code: string; bucket: string; xmin: string }>`
          select stock_code, bucket::text as bucket, xmin::text as xmin from ${sql.table(view)} where stock_code in ('091990', '247540')`.execute(db())
        for (const row of rows) written[`${view} ${row.stock_code}@${row.bucket}`] = row.xmin
      }
      return written
    }

    /** Stages investor flows (stock, investor type, bought, sold) for a day as validated rows and promotes them. */
    async function promoteFlows(day: string, flows: Array<[code: string, investorType: string, bought: number, sold: number]>) {
      const runId = randomUUID()
      const batchId = randomUUID()
      await new RunLedger(testDb.current.database).start({ runId, dataset: 'investor_trading', source: 'krx', partitionKey: day, tradeDate: day, trigger: 'manual' })
      await db().insertInto('staging.batches').values({ batch_id: batchId, run_id: runId, dataset: 'investor_trading', source: 'krx', partition_key: day, row_count: flows.length }).execute()
      for (const [index, [code, investorType, bought, sold]] of flows.entries()) {
        await sql`
          insert into staging.investor_trading (batch_id, row_number, stock_code, investor_type, time, sell_volume, buy_volume, net_buy_volume, sell_value, buy_value, net_buy_value, validation_status)
          values (${batchId}, ${index + 1}, ${code}, ${investorType}, ${day}, ${sold}, ${bought}, ${bought - sold}, ${sold * 100}, ${bought * 100}, ${(bought - sold) * 100}, 'valid')`.execute(db())
      }
      return promoteBatch(testDb.current.database, { runId, batchId, dataset: 'investor_trading', source: 'krx', tradeDate: day })
    }

    test('weekly investor flows follow promoted days and a corrected day, equal to their recomputation', async () => {
      const { timescaledbInstalled: timescaledb } = await detectCapabilities(db())
      for (const day of ['2024-05-06', '2024-05-08', '2024-05-13']) {
        const report = await promoteFlows(day, [['091990', 'individual', 100, 40], ['091990', 'foreign', 40, 100], ['247540', 'individual', 10, 10]])
        expect(report.refreshedAggregates).toEqual(['investor_trading_weekly'])
      }
      await promoteFlows('2024-05-06', [['091990', 'individual', 300, 40], ['091990', 'foreign', 40, 300], ['247540', 'individual', 10, 10]])
      const week = await db().selectFrom('investor_trading_weekly').select(['investor_type', 'buy_volume', 'net_buy_volume']).where('stock_code', '=', '091990').where('bucket', '=', '2024-05-06').orderBy('investor_type').execute()
      expect(week.map((row) => [row.investor_type, Number(row.buy_volume), Number(row.net_buy_volume)])).toEqual([['foreign', 80, -320], ['individual', 400, 320]])
      const { investor_trading_weekly: flows } = await storedAndRecomputed(timescaledb)
      expect(flows!.stored).toEqual(flows!.recomputed)
    })

    test('deferred promotions leave their dates in the backlog and the aggregates as they were; the next current promotion settles it', async () => {
      const { timescaledbInstalled: timescaledb } = await detectCapabilities(db())
      const deferred = async (day: string, close: number) =>
        promoteBatch(testDb.current.database, await stageValidated(day, [{ code: '180640', close }]), { refreshAggregates: false })
      for (const [day, close] of [['2024-07-02', 700], ['2024-06-27', 650], ['2024-07-01', 690]] as const) {
        expect((await deferred(day, close)).refreshedAggregates).toEqual([])
      }
      expect(await db().selectFrom('aggregate_backlog').select(['dataset', 'from_date', 'to_date']).execute()).toEqual([{ dataset: 'ohlcv_daily', from_date: '2024-06-27', to_date: '2024-07-02' }])
      const behind = await storedAndRecomputed(timescaledb)
      expect(behind.ohlcv_monthly!.stored.filter((row) => row.includes('"180640"'))).toEqual([])

      const current = await promoteBatch(testDb.current.database, await stageValidated('2024-07-10', [{ code: '180640', close: 720 }]))
      expect(current.refreshedAggregates).toEqual(['ohlcv_weekly', 'ohlcv_monthly'])
      expect(await db().selectFrom('aggregate_backlog').selectAll().execute()).toEqual([])
      for (const [view, { stored, recomputed }] of Object.entries(await storedAndRecomputed(timescaledb))) expect(stored, view).toEqual(recomputed)
      const june = await db().selectFrom('ohlcv_monthly').select(['close_price', 'trading_days']).where('stock_code', '=', '180640').where('bucket', '=', '2024-06-01').executeTakeFirstOrThrow()
      expect([june.close_price, Number(june.trading_days)]).toEqual([650, 1])
    })

    test('a backlog of several months is settled month by month to the aggregates recomputed from production', async () => {
      const capabilities = await detectCapabilities(db())
      const days = [['2024-08-30', 800], ['2024-09-02', 810], ['2024-10-31', 820], ['2024-11-01', 830]] as const
      for (const [day, close] of days) {
        await promoteBatch(testDb.current.database, await stageValidated(day, [{ code: '052690', close }, { code: '003230', close: close * 3 }]), { refreshAggregates: false })
      }
      const settled = await settleAggregateBacklog(db(), capabilities, 'ohlcv_daily')
      expect(settled).toEqual({ aggregates: ['ohlcv_weekly', 'ohlcv_monthly'], from: '2024-08-30', to: '2024-11-01' })
      expect(await db().selectFrom('aggregate_backlog').selectAll().execute()).toEqual([])
      for (const [view, { stored, recomputed }] of Object.entries(await storedAndRecomputed(capabilities.timescaledbInstalled))) expect(stored, view).toEqual(recomputed)
      // Nothing behind: settling again does nothing.
      expect(await settleAggregateBacklog(db(), capabilities, 'ohlcv_daily')).toEqual({ aggregates: [] })
    })

    test('after days and corrections of earlier days, every aggregate equals its recomputation from production, and untouched buckets are not rewritten', async () => {
      const { timescaledbInstalled: timescaledb } = await detectCapabilities(db())
      const promote = async (day: string, bars: Bar[]) => promoteBatch(testDb.current.database, await stageValidated(day, bars))
      // Two weeks of April 2024 for two stocks: Monday, Wednesday and Friday, then Monday and Tuesday.
      for (const [day, close] of [['2024-04-01', 1000], ['2024-04-03', 1100], ['2024-04-05', 1050], ['2024-04-08', 1200], ['2024-04-09', 1250]] as const) {
        const report = await promote(day, [{ code: '091990', close }, { code: '247540', close: close * 2 }])
        expect(report.refreshedAggregates).toEqual(['ohlcv_weekly', 'ohlcv_monthly'])
      }
      const before = timescaledb ? {} : await writers()

      // Friday corrected: the week's close, high and low move; then Monday: its open.
      await promote('2024-04-05', [{ code: '091990', close: 990, high: 1500, low: 900 }, { code: '247540', close: 2100 }])
      const afterFriday = timescaledb ? {} : await writers()
      await promote('2024-04-01', [{ code: '091990', close: 1000, open: 980, low: 970 }, { code: '247540', close: 2000 }])

      const weekly = await db().selectFrom('ohlcv_weekly').selectAll().where('stock_code', '=', '091990').where('bucket', '=', '2024-04-01').executeTakeFirstOrThrow()
      expect(weekly).toMatchObject({ open_price: 980, high_price: 1500, low_price: 900, close_price: 990 })
      expect(Number(weekly.trading_days)).toBe(3)
      for (const [view, { stored, recomputed }] of Object.entries(await storedAndRecomputed(timescaledb))) expect(stored, view).toEqual(recomputed)

      if (!timescaledb) {
        // The Friday correction rewrote one stock's week and month; its unchanged stock and the other week kept their rows.
        const rewritten = Object.keys(before).filter((key) => afterFriday[key] !== before[key])
        expect(rewritten.sort()).toEqual(['ohlcv_monthly 091990@2024-04-01', 'ohlcv_weekly 091990@2024-04-01'])
      }
    })
  })
})
