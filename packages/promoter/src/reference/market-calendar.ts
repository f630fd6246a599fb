import { sql } from 'kysely'
import { sessionHours, type SessionHours, type TradeDate } from '@kmd/core'
import type { ReferencePromoter } from './types.ts'

// The regular session was extended from 15:00 to 15:30 on this day (as in @kmd/core's calendar).
const CLOSE_1530_SINCE = '2016-08-01'

/**
 * Session hours of a day the batch says trades: the KRX calendar's (late opening on the first
 * day of a year, CSAT days), or the regular session when that calendar thinks the day closed
 * (a date it does not cover, or a session it does not know), since market_calendar's CHECK
 * wants hours on every trading day.
 */
export function tradingHours(date: TradeDate): SessionHours {
  return sessionHours(date) ?? { open: '09:00', close: date >= CLOSE_1530_SINCE ? '15:30' : '15:00' }
}

/**
 * Upsert by trade_date; open/close times on trading days only (null otherwise, as the table's
 * CHECK requires), the source the batch came from. Unchanged days are not rewritten.
 */
export const promoteMarketCalendar: ReferencePromoter = async (trx, batch) => {
  const { rows } = await sql<{ trade_date: string }>`
    select to_char(s.trade_date, 'YYYY-MM-DD') as trade_date from staging.market_calendar s
    where s.batch_id = ${batch.batchId}::uuid and s.validation_status = 'valid' and s.is_trading_day`.execute(trx)
  const dates = rows.map((row) => row.trade_date)
  const hours = dates.map(tradingHours)
  const result = await sql`
    insert into market_calendar (trade_date, is_trading_day, open_time, close_time, holiday_name, source)
    select s.trade_date, s.is_trading_day, h.open_time, h.close_time, s.holiday_name, ${batch.source}
    from staging.market_calendar s
    left join unnest(${dates}::date[], ${hours.map((h) => h.open)}::time[], ${hours.map((h) => h.close)}::time[]) as h(trade_date, open_time, close_time)
      on s.is_trading_day and h.trade_date = s.trade_date
    where s.batch_id = ${batch.batchId}::uuid and s.validation_status = 'valid'
    on conflict (trade_date) do update set
      is_trading_day = excluded.is_trading_day,
      open_time = excluded.open_time,
      close_time = excluded.close_time,
      holiday_name = excluded.holiday_name,
      source = excluded.source,
      updated_at = now()
    where (market_calendar.is_trading_day, market_calendar.open_time, market_calendar.close_time, market_calendar.holiday_name)
      is distinct from (excluded.is_trading_day, excluded.open_time, excluded.close_time, excluded.holiday_name)`.execute(trx)
  const upserted = Number(result.numAffectedRows ?? 0n)
  return { promoted: upserted, details: { days_upserted: upserted, trading_days: dates.length } }
}
