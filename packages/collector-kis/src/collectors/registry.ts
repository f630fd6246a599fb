import { addDays, type SourceCollectors } from '@kmd/core'
import type { KisFetcher } from '../client.ts'
import { collectOhlcvDailyForDate } from './daily-ohlcv.ts'
import { collectInvestorTradingForDate } from './investor-trading.ts'
import { collectMarketCalendar } from './market-calendar.ts'

// How far ahead the calendar is read each time: the rest of the year and the next.
const CALENDAR_DAYS_AHEAD = 400

/** What the broker Open API collects: one request per stock for prices and flows, and the holiday calendar. */
export function kisCollectors(client: KisFetcher): SourceCollectors {
  return {
    ohlcv_daily: async (date, context) => collectOhlcvDailyForDate(client, date, await context.stockCodes()),
    investor_trading: async (date, context) => collectInvestorTradingForDate(client, date, await context.stockCodes()),
    market_calendar: (date) => collectMarketCalendar(client, date, { toDate: addDays(date, CALENDAR_DAYS_AHEAD) }),
  }
}
