import { sql } from 'kysely'
import type { MarketDatabase } from '@kmd/db'

export interface DailyBar {
  date: string
  open: number | null
  high: number | null
  low: number | null
  close: number
  volume: number
}

export interface StockWarning {
  date: string
  dataset: string
  checkName: string
  severity: string
  reason: string
}

export interface StockView {
  code: string
  name: string | null
  bars: DailyBar[]
  /** Findings of validation rules that name this stock in their samples, in the range. */
  warnings: StockWarning[]
}

/** Accepts KRX stock codes only: six characters, digits and capitals (`005930`, `0041B0`). */
export const STOCK_CODE_PATTERN = /^[0-9A-Z]{6}$/

/** One stock's daily bars over the range and the validation findings about it. */
export async function readStock(database: MarketDatabase, code: string, range: { from: string; to: string }): Promise<StockView> {
  if (!STOCK_CODE_PATTERN.test(code)) throw new RangeError(`not a KRX stock code (six characters, digits and capitals): "${code}"`)
  const { db } = database
  const stock = await db.selectFrom('stocks').select('name').where('stock_code', '=', code).executeTakeFirst()
  const bars = await db
    .selectFrom('ohlcv_daily')
    .select(['time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume'])
    .where('stock_code', '=', code)
    .where('time', '>=', range.from)
    .where('time', '<=', range.to)
    .orderBy('time')
    .execute()
  // Sample keys read `005930@2025-12-22` or `005930/individual@2025-12-22`.
  const { rows: warnings } = await sql<{ check_date: string; table_name: string; check_type: string; severity: string; reason: string }>`
    select to_char(q.check_date, 'YYYY-MM-DD') as check_date, q.table_name, q.check_type, q.severity, coalesce(s.entry ->> 'reason', q.message, '') as reason
    from data_quality_checks q
    cross join lateral jsonb_array_elements(case when jsonb_typeof(q.details) = 'array' then q.details else '[]'::jsonb end) as s (entry)
    where not q.passed and q.check_date between ${range.from} and ${range.to}
      and (s.entry ->> 'key' like ${`${code}@%`} or s.entry ->> 'key' like ${`${code}/%`})
    order by q.check_date, q.id`.execute(db)
  return {
    code,
    name: stock?.name ?? null,
    bars: bars.map((bar) => ({ date: bar.time, open: bar.open_price, high: bar.high_price, low: bar.low_price, close: bar.close_price, volume: bar.volume })),
    warnings: warnings.map((row) => ({ date: row.check_date, dataset: row.table_name, checkName: row.check_type, severity: row.severity, reason: row.reason })),
  }
}
