import { addDays, previousTradingDay, seoulDate, seoulTimeOfDay, type TradeDate } from '@kmd/core'
import { parseCompactDate } from '../krx/wire-format.ts'
import type { MinuteBar } from '../krx/minute-bars.ts'
import type { SimulatorResponse } from '../http-io.ts'
import type { KisMarketView, StockSession } from './market-view.ts'
import { compactDate, kisError, kisJson, OK_ENVELOPE, KIS_MARKET_CODES } from './wire.ts'

/** FHKST03010230 (past days) answers at most 120 bars a call; FHKST03010200 (today) 30. */
export const PAST_MINUTES_MAX_ROWS = 120
export const TODAY_MINUTES_MAX_ROWS = 30
/** KIS keeps about a year of minute bars ("최대 1년 분봉 보관"). */
export const MINUTE_HISTORY_DAYS = 365

const HOUR_PATTERN = /^([01]\d|2[0-3])([0-5]\d)([0-5]\d)$/

export interface MinuteChartContext {
  view: KisMarketView
  now: () => Date
}

/**
 * `GET …/inquire-time-dailychartprice` (FHKST03010230): a stock's minute bars at or before
 * FID_INPUT_HOUR_1 on FID_INPUT_DATE_1, newest first, at most 120; with FID_PW_DATA_INCU_YN=Y
 * the earlier sessions' bars fill the rest. No tr_cont paging: the caller asks again from the
 * minute before the oldest bar it got. Minutes without a trade are left out unless
 * FID_FAKE_TICK_INCU_YN=Y (허봉), which lists them flat at the last price with no volume.
 * Sessions older than a year before today answer no bars.
 */
export function answerPastMinuteBars(query: Record<string, string>, context: MinuteChartContext): SimulatorResponse {
  const hour = hourOf(query)
  if (typeof hour !== 'string') return hour
  const date = parseCompactDate(query.FID_INPUT_DATE_1)
  if (date === undefined) return kisError(200, 'invalidInput', 'FID_INPUT_DATE_1')
  if (!['Y', 'N', ''].includes(query.FID_PW_DATA_INCU_YN ?? '')) return kisError(200, 'invalidInput', 'FID_PW_DATA_INCU_YN')
  if (!['Y', 'N', ''].includes(query.FID_FAKE_TICK_INCU_YN ?? '')) return kisError(200, 'invalidInput', 'FID_FAKE_TICK_INCU_YN')
  const today = seoulDate(context.now())
  const oldest = addDays(today, -MINUTE_HISTORY_DAYS)
  return answerBars(query, context, {
    date,
    hour,
    today,
    oldest,
    maxRows: PAST_MINUTES_MAX_ROWS,
    earlierSessions: query.FID_PW_DATA_INCU_YN === 'Y',
    withoutTrades: query.FID_FAKE_TICK_INCU_YN === 'Y',
  })
}

/**
 * `GET …/inquire-time-itemchartprice` (FHKST03010200): today's minute bars at or before
 * FID_INPUT_HOUR_1 (and before now), newest first, at most 30.
 */
export function answerTodayMinuteBars(query: Record<string, string>, context: MinuteChartContext): SimulatorResponse {
  const hour = hourOf(query)
  if (typeof hour !== 'string') return hour
  const now = context.now()
  const today = seoulDate(now)
  const clock = seoulTimeOfDay(now).replace(/:/g, '')
  return answerBars(query, context, { date: today, hour: hour < clock ? hour : clock, today, oldest: today, maxRows: TODAY_MINUTES_MAX_ROWS, earlierSessions: false, withoutTrades: false })
}

/** The query's FID_INPUT_HOUR_1 (`HHMMSS`), or the refusal of a bad market code or hour. */
function hourOf(query: Record<string, string>): string | SimulatorResponse {
  if (!KIS_MARKET_CODES.has(query.FID_COND_MRKT_DIV_CODE ?? '')) return kisError(200, 'invalidInput', 'FID_COND_MRKT_DIV_CODE')
  const hour = query.FID_INPUT_HOUR_1 ?? ''
  return HOUR_PATTERN.test(hour) ? hour : kisError(200, 'invalidInput', 'FID_INPUT_HOUR_1 (HHMMSS)')
}

interface BarWindow {
  date: TradeDate
  /** HHMMSS: bars that start at or before it. */
  hour: string
  today: TradeDate
  /** No bars of sessions before this date. */
  oldest: TradeDate
  maxRows: number
  earlierSessions: boolean
  withoutTrades: boolean
}

function answerBars(query: Record<string, string>, context: MinuteChartContext, window: BarWindow): SimulatorResponse {
  const index = context.view.indexOf(query.FID_INPUT_ISCD ?? '')
  if (index === undefined) return kisJson(200, { ...OK_ENVELOPE, output1: {}, output2: [] })
  const rows: Array<Record<string, string>> = []
  let day: TradeDate = window.date
  let latest: StockSession | undefined
  for (let first = true; rows.length < window.maxRows && day >= window.oldest && day <= window.today; first = false) {
    const session = context.view.on(day, index)
    if (session) {
      latest ??= session
      const bars = context.view.market.minuteBars(session.session, index)
      const until = first ? window.hour.slice(0, 2) + ':' + window.hour.slice(2, 4) : '99:99'
      let cumulative = bars.reduce((sum, bar) => sum + (bar.time <= until ? bar.value : 0), 0)
      for (let i = bars.length - 1; i >= 0 && rows.length < window.maxRows; i--) {
        const bar = bars[i]!
        if (bar.time > until) continue
        if (bar.volume > 0 || window.withoutTrades) rows.push(minuteRow(day, bar, cumulative))
        cumulative -= bar.value
      }
    }
    if (!window.earlierSessions) break
    day = previousTradingDay(day)
  }
  return kisJson(200, { ...OK_ENVELOPE, output1: latest ? snapshot(latest) : {}, output2: rows })
}

function minuteRow(date: TradeDate, bar: MinuteBar, cumulativeValue: number): Record<string, string> {
  return {
    stck_bsop_date: compactDate(date),
    stck_cntg_hour: `${bar.time.replace(':', '')}00`,
    stck_prpr: String(bar.close),
    stck_oprc: String(bar.open),
    stck_hgpr: String(bar.high),
    stck_lwpr: String(bar.low),
    cntg_vol: String(bar.volume),
    acml_tr_pbmn: String(cumulativeValue),
  }
}

// output1: the stock on the answer's newest session, as the daily chart's snapshot names it.
function snapshot({ quote }: StockSession): Record<string, string> {
  return {
    prdy_vrss: String(quote.close - quote.previousClose),
    stck_prdy_clpr: String(quote.previousClose),
    acml_vol: String(quote.volume),
    acml_tr_pbmn: String(quote.value),
    hts_kor_isnm: quote.stock.name,
    stck_prpr: String(quote.close),
  }
}
