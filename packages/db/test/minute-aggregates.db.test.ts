import { sql, type Kysely } from 'kysely'
import { describe, expect, test } from 'vitest'
import { detectCapabilities } from '../src/index.ts'
import { useMigratedDatabase } from '../src/testing/index.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db as unknown as Kysely<any>

/** A row of ohlcv_minute, as inserted. */
interface MinuteRow {
  stock_code: string
  time: string
  open_price: number
  high_price: number
  low_price: number
  close_price: number
  volume: number
  trading_value: number
}

/** 09:00–10:09 KST and the 15:30 closing auction of 2025-11-04, for two stocks: prices that move, a quiet minute. */
function sessionBars(): MinuteRow[] {
  const bars: MinuteRow[] = []
  for (const [s, stock] of ['005930', '079190'].entries()) {
    const minutes = [...Array.from({ length: 70 }, (_, i) => 9 * 60 + i), 15 * 60 + 30]
    let last = 1000 * (s + 1)
    for (const minute of minutes) {
      const move = ((minute * 7 + s * 3) % 11) - 5
      const close = last + move * 5
      const volume = minute % 13 === 0 ? 0 : 10 + (minute % 17)
      const time = `2025-11-04T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+09:00`
      const closeOf = volume === 0 ? last : close
      bars.push({ stock_code: stock, time, open_price: last, high_price: Math.max(last, closeOf) + 5, low_price: Math.min(last, closeOf) - 5, close_price: closeOf, volume, trading_value: volume * closeOf })
      last = closeOf
    }
  }
  return bars
}

/** The expected buckets, computed here from the bars: the view's definition stated a second time, independently. */
function expectedBuckets(bars: MinuteRow[], widthMinutes: number) {
  const groups = new Map<string, MinuteRow[]>()
  for (const bar of bars) {
    const ms = Date.parse(bar.time)
    const bucket = new Date(ms - (ms % (widthMinutes * 60_000))).toISOString()
    const key = `${bar.stock_code}|${bucket}`
    groups.set(key, [...(groups.get(key) ?? []), bar])
  }
  return [...groups.entries()].map(([key, group]) => {
    const sorted = [...group].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    const [stock_code, bucket] = key.split('|') as [string, string]
    return {
      stock_code,
      bucket,
      open_price: String(sorted[0]!.open_price),
      high_price: String(Math.max(...group.map((bar) => bar.high_price))),
      low_price: String(Math.min(...group.map((bar) => bar.low_price))),
      close_price: String(sorted.at(-1)!.close_price),
      volume: String(group.reduce((sum, bar) => sum + bar.volume, 0)),
      trading_value: String(group.reduce((sum, bar) => sum + bar.trading_value, 0)),
      bar_count: String(group.length),
    }
  }).sort((a, b) => (a.stock_code + a.bucket < b.stock_code + b.bucket ? -1 : 1))
}

async function read(view: 'ohlcv_5min' | 'ohlcv_hourly') {
  const { rows } = await sql<Record<string, unknown>>`
    select stock_code, bucket, open_price::text, high_price::text, low_price::text, close_price::text, volume::text, trading_value::text, bar_count::text
    from ${sql.table(view)} order by stock_code, bucket`.execute(db())
  return rows.map((row) => ({ ...row, bucket: new Date(row.bucket as string | Date).toISOString() }))
}

describe('0021: five-minute and hourly bars over ohlcv_minute', () => {
  test('each bucket holds its first open, highest high, lowest low, last close and sums, on KST minute and hour boundaries; before and after a refresh', async () => {
    const bars = sessionBars()
    await sql`
      insert into ohlcv_minute (stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, source)
      select * from unnest(${bars.map((b) => b.stock_code)}::text[], ${bars.map((b) => b.time)}::timestamptz[], ${bars.map((b) => b.open_price)}::bigint[],
        ${bars.map((b) => b.high_price)}::bigint[], ${bars.map((b) => b.low_price)}::bigint[], ${bars.map((b) => b.close_price)}::bigint[], ${bars.map((b) => b.volume)}::bigint[],
        ${bars.map((b) => b.trading_value)}::bigint[], ${bars.map(() => 'kis')}::text[])`.execute(db())

    const fiveMinutes = expectedBuckets(bars, 5)
    const hourly = expectedBuckets(bars, 60)
    // 09:00–10:09 is 14 five-minute buckets, plus the auction's at 15:30; hours 09, 10 and 15.
    expect(fiveMinutes.filter((bucket) => bucket.stock_code === '005930')).toHaveLength(15)
    expect(hourly.filter((bucket) => bucket.stock_code === '005930').map((bucket) => bucket.bucket)).toEqual(['2025-11-04T00:00:00.000Z', '2025-11-04T01:00:00.000Z', '2025-11-04T06:00:00.000Z'])
    expect(await read('ohlcv_5min')).toEqual(fiveMinutes)
    expect(await read('ohlcv_hourly')).toEqual(hourly)

    if ((await detectCapabilities(db())).timescaledbInstalled) {
      // Materialised now; real-time aggregation answered the same before.
      for (const view of ['ohlcv_5min', 'ohlcv_hourly']) await sql`call refresh_continuous_aggregate(${view}::regclass, null, null)`.execute(db())
      expect(await read('ohlcv_5min')).toEqual(fiveMinutes)
      expect(await read('ohlcv_hourly')).toEqual(hourly)
      const { rows } = await sql<{ view_name: string }>`select view_name from timescaledb_information.continuous_aggregates where view_name in ('ohlcv_5min', 'ohlcv_hourly') order by 1`.execute(db())
      expect(rows.map((row) => row.view_name)).toEqual(['ohlcv_5min', 'ohlcv_hourly'])
    }
  })
})
