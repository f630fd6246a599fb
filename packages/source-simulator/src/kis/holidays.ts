import { addDays, calendarCovers, holidayName, isTradingDay, type TradeDate } from '@kmd/core'
import { parseCompactDate } from '../krx/wire-format.ts'
import type { SimulatorResponse } from '../http-io.ts'
import { RECORDED_FILES, type KisRecordings } from './recorded.ts'
import type { KisSimulatorSettings } from './settings.ts'
import { compactDate, kisError, kisJson, OK_ENVELOPE } from './wire.ts'

const YEAR_END_CLOSING = '연말 휴장일'
// KIS pads the context keys to 20 characters.
const CONTEXT_KEY_WIDTH = 20

/**
 * `GET …/chk-holiday` (CTCA0903R): one row per calendar day from BASS_DT, from the core KRX
 * calendar, `holidayPageDays` days a page, paged with the body's `ctx_area_nk` (the next day)
 * and `ctx_area_fk` (BASS_DT) echoed as CTX_AREA_NK/CTX_AREA_FK plus request header
 * `tr_cont: N`. Pages stop after `holidayHorizonDays`, or earlier at the end of the years whose
 * holidays the core calendar knows (KIS, too, knows only the holidays announced so far).
 *
 * Row flags as in KIS's example: `opnd_yn` (market open) from the calendar; `bzdy_yn` (business
 * day) N on weekends and holidays but Y on the year-end closing day; `sttl_day_yn` as `opnd_yn`;
 * `tr_day_yn` Y on every day, as the example shows even for a Sunday.
 */
export function answerHolidays(query: Record<string, string>, trCont: string | undefined, recordings: KisRecordings, settings: KisSimulatorSettings): SimulatorResponse {
  const recorded = recordings.find(RECORDED_FILES.holidays, query)
  if (recorded) {
    const more = String((recorded.response as { ctx_area_nk?: unknown }).ctx_area_nk ?? '').trim() !== ''
    return kisJson(200, { ...OK_ENVELOPE, ...recorded.response }, { tr_cont: more ? 'F' : 'D' })
  }

  const base = parseCompactDate(query.BASS_DT)
  if (base === undefined) return kisError(200, 'invalidInput', 'BASS_DT')
  const continued = trCont?.trim().toUpperCase() === 'N' ? parseCompactDate(query.CTX_AREA_NK?.trim()) : undefined
  const start = continued !== undefined && continued > base ? continued : base
  const end = addDays(base, settings.holidayHorizonDays - 1)
  const within = (day: TradeDate) => day <= end && calendarCovers(day)

  const rows: Array<Record<string, string>> = []
  let day = start
  for (; within(day) && rows.length < settings.holidayPageDays; day = addDays(day, 1)) rows.push(holidayRow(day))
  const hasMore = within(day) && rows.length > 0
  const pad = (text: string) => text.padEnd(CONTEXT_KEY_WIDTH, ' ')
  return kisJson(
    200,
    { ...OK_ENVELOPE, ctx_area_nk: hasMore ? pad(compactDate(day)) : '', ctx_area_fk: pad(compactDate(base)), output: rows },
    { tr_cont: !hasMore ? 'D' : start === base ? 'F' : 'M' },
  )
}

function holidayRow(date: TradeDate): Record<string, string> {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  const open = isTradingDay(date)
  const businessDay = weekday !== 0 && weekday !== 6 && (open || holidayName(date) === YEAR_END_CLOSING)
  const yn = (flag: boolean) => (flag ? 'Y' : 'N')
  return {
    bass_dt: compactDate(date),
    wday_dvsn_cd: String(weekday + 1).padStart(2, '0'),
    bzdy_yn: yn(businessDay),
    tr_day_yn: 'Y',
    opnd_yn: yn(open),
    sttl_day_yn: yn(open),
  }
}
