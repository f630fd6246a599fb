import { addDays, type Logger, type SourceCollectors } from '@kmd/core'
import type { KisFetcher } from '../client.ts'
import { collectOhlcvDailyForDate } from './daily-ohlcv.ts'
import { collectInvestorTradingForDate } from './investor-trading.ts'
import { collectMarketCalendar } from './market-calendar.ts'
import { collectOhlcvMinuteForDate } from './minute-bars.ts'

// How far ahead the calendar is read each time: the rest of the year and the next.
const CALENDAR_DAYS_AHEAD = 400

/**
 * What the broker Open API collects: one request per stock for prices and flows, four per stock
 * for a day's minute bars (spread over every client given: one per app key), and the holiday
 * calendar.
 */
export function kisCollectors(client: KisFetcher, options: { moreClients?: readonly KisFetcher[]; logger?: Logger } = {}): SourceCollectors {
  const minuteClients = [client, ...(options.moreClients ?? [])]
  return {
    ohlcv_minute: async (date, context) => collectOhlcvMinuteForDate(minuteClients, date, await context.stockCodes(), { logger: options.logger }),
    ohlcv_daily: async (date, context) => collectOhlcvDailyForDate(client, date, await context.stockCodes()),
    investor_trading: async (date, context) => collectInvestorTradingForDate(client, date, await context.stockCodes()),
    market_calendar: (date) => collectMarketCalendar(client, date, { toDate: addDays(date, CALENDAR_DAYS_AHEAD) }),
  }
}
