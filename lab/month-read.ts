import { sql } from 'kysely'
import pg from 'pg'
import { tradingDaysBetween } from '@kmd/core'
import { migrateToLatest } from '@kmd/db'
import { SyntheticMarket } from '@kmd/source-simulator'
import { openBenchDatabase } from '../bench/bench-database.ts'
import { chunked, copyInto } from '../bench/load-vs-copy.ts'

const MONTH = ['2026-09-01', '2026-09-30'] as const
const target = await openBenchDatabase('server', 'postgres://postgres@127.0.0.1:5432/test', 'monthread')
try {
  await migrateToLatest(target.database.db)
  const market = new SyntheticMarket({ seed: 42, stockCount: 300 })
  function* lines() {
    for (const date of tradingDaysBetween(...MONTH)) {
      const session = market.session(date)!
      for (let index = 0; index < 300; index++) {
        const code = market.stocks[index]!.code
        for (const bar of market.minuteBars(session, index)) yield `${code},${date}T${bar.time}:00+09:00,${bar.open},${bar.high},${bar.low},${bar.close},${bar.volume},${bar.value},bench\n`
      }
    }
  }
  await copyInto(target.database, 'ohlcv_minute', ['stock_code', 'time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'source'], chunked(lines()))
  await sql`analyze ohlcv_minute`.execute(target.database.db)
  const code = market.stocks[0]!.code
  const text = `select time, open_price, high_price, low_price, close_price, volume from ohlcv_minute where stock_code = $1 and time >= '2026-09-01T00:00:00+09:00'::timestamptz and time < '2026-09-30T00:00:00+09:00'::timestamptz + interval '1 day' order by time`
  const median = async (label: string, run: () => Promise<number>) => {
    const times: number[] = []
    let rows = 0
    for (let i = 0; i < 50; i++) { const t = performance.now(); rows = await run(); times.push(performance.now() - t) }
    times.sort((a, b) => a - b)
    console.log(label, rows, times[25]!.toFixed(2), 'ms')
  }
  const pool = target.database.pool!
  await median('pool (project parsers)', async () => (await pool.query(text, [code])).rowCount ?? 0)
  await median('pool rowMode array', async () => (await pool.query({ text, values: [code], rowMode: 'array' })).rowCount ?? 0)
  await median('pool, text only', async () => (await pool.query({ text, values: [code], types: { getTypeParser: () => (v: string) => v } as never })).rowCount ?? 0)
  const FAST = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d{1,6})?([+-])(\d\d)(?::(\d\d))?$/
  const defaultTz = pg.types.getTypeParser(1184)
  const fastTz = (value: string) => {
    const m = FAST.exec(value)
    if (!m) return defaultTz(value)
    const offset = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10] ?? 0))
    return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7] ? Number(m[7]) * 1000 : 0) - offset * 60_000)
  }
  const int8 = pg.types.getTypeParser(20)
  await median('pool, fast timestamptz', async () => (await pool.query({ text, values: [code], types: { getTypeParser: (oid: number) => (oid === 1184 ? fastTz : oid === 20 ? int8 : pg.types.getTypeParser(oid)) } as never })).rowCount ?? 0)
  await median('pool (project parsers) again', async () => (await pool.query(text, [code])).rowCount ?? 0)
  const sample = (await pool.query(text, [code])).rows.slice(0, 3).map((r: any) => r.time.toISOString())
  const fastSample = (await pool.query({ text, values: [code], types: { getTypeParser: (oid: number) => (oid === 1184 ? fastTz : pg.types.getTypeParser(oid)) } as never })).rows.slice(0, 3).map((r: any) => r.time.toISOString())
  console.log(sample, fastSample)
  const { rows: plan } = await pool.query(`explain (analyze, buffers) ${text}`, [code])
  console.log(plan.map((r: any) => r['QUERY PLAN']).join('\n'))
} finally {
  await target.dispose()
}
