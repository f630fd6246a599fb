import { describe, expect, test } from 'vitest'
import {
  calendarCovers,
  calendarDateProblem,
  lastClosedSession,
  unfinishedDateReason,
  closuresInYear,
  holidayName,
  isTradingDay,
  lastTradingDays,
  nextTradingDay,
  previousTradingDay,
  sessionHours,
  sessionMinuteBars,
  tradingDaysBetween,
} from '../src/calendar.ts'

describe('KRX trading days', () => {
  test('2021-01-04 is a trading day', () => {
    expect(isTradingDay('2021-01-04')).toBe(true)
    expect(holidayName('2021-01-04')).toBeUndefined()
  })

  test('new year and the year-end closing day are closed: 2021-01-01 and 2020-12-31', () => {
    expect(isTradingDay('2021-01-01')).toBe(false)
    expect(holidayName('2021-01-01')).toBe('신정')
    expect(isTradingDay('2020-12-31')).toBe(false)
    expect(holidayName('2020-12-31')).toBe('연말 휴장일')
  })

  test('when 12/31 is a weekend the last business day before it closes instead', () => {
    expect(holidayName('2022-12-30')).toBe('연말 휴장일')
    expect(holidayName('2023-12-29')).toBe('연말 휴장일')
    expect(holidayName('2017-12-29')).toBe('연말 휴장일')
    expect(isTradingDay('2022-12-29')).toBe(true)
    expect(isTradingDay('2023-12-28')).toBe(true)
  })

  test('election days and ad-hoc closures are closed', () => {
    for (const date of [
      '2016-04-13',
      '2017-05-09',
      '2018-06-13',
      '2020-04-15',
      '2022-03-09',
      '2023-05-29',
      '2023-10-02',
      '2024-04-10',
      '2024-10-01',
      '2025-01-27',
      '2025-06-03',
      '2026-05-25',
      '2026-06-03',
      '2015-08-14',
      '2016-05-06',
      '2017-10-02',
      '2020-08-17',
    ]) {
      expect(isTradingDay(date), date).toBe(false)
    }
  })

  test('lunar holidays close three days and a Sunday overlap adds a substitute day', () => {
    expect(tradingDaysBetween('2024-09-13', '2024-09-20')).toEqual(['2024-09-13', '2024-09-19', '2024-09-20'])
    // 2025 추석 10/5-10/7 starts on a Sunday: 10/8 substitutes, 10/3 and 10/9 are holidays anyway.
    expect(tradingDaysBetween('2025-10-01', '2025-10-10')).toEqual(['2025-10-01', '2025-10-02', '2025-10-10'])
    expect(holidayName('2023-01-24')).toBe('설날 대체공휴일')
  })

  test('labor day closes the market before and after it became a public holiday', () => {
    expect(isTradingDay('2025-05-01')).toBe(false)
    expect(isTradingDay('2026-05-01')).toBe(false)
  })

  test('Saturdays and Sundays are named weekend', () => {
    expect(holidayName('2021-01-02')).toBe('weekend')
    expect(holidayName('2021-01-03')).toBe('weekend')
    expect(isTradingDay('2021-01-09')).toBe(false)
  })

  test('an ordinary weekday outside any holiday trades', () => {
    expect(isTradingDay('2024-04-11')).toBe(true)
    expect(isTradingDay('2025-10-10')).toBe(true)
  })
})

describe('moving between trading days', () => {
  test('the trading day before 2021-01-04 is 2020-12-30 (year-end close and new year skipped)', () => {
    expect(previousTradingDay('2021-01-04')).toBe('2020-12-30')
  })

  test('the trading day after 2020-12-30 is 2021-01-04', () => {
    expect(nextTradingDay('2020-12-30')).toBe('2021-01-04')
  })

  test('previous and next look strictly before and after, even from a closed day', () => {
    expect(previousTradingDay('2021-01-05')).toBe('2021-01-04')
    expect(nextTradingDay('2021-01-02')).toBe('2021-01-04')
    expect(previousTradingDay('2021-01-03')).toBe('2020-12-30')
  })

  test('tradingDaysBetween includes both ends and is empty for a reversed range', () => {
    expect(tradingDaysBetween('2021-01-04', '2021-01-08')).toEqual([
      '2021-01-04',
      '2021-01-05',
      '2021-01-06',
      '2021-01-07',
      '2021-01-08',
    ])
    expect(tradingDaysBetween('2021-01-08', '2021-01-04')).toEqual([])
    expect(tradingDaysBetween('2020-12-31', '2021-01-03')).toEqual([])
  })

  test('lastTradingDays counts back from a closed day, oldest first', () => {
    expect(lastTradingDays(3, '2021-01-03')).toEqual(['2020-12-28', '2020-12-29', '2020-12-30'])
    expect(lastTradingDays(1, '2021-01-04')).toEqual(['2021-01-04'])
    expect(lastTradingDays(0, '2021-01-04')).toEqual([])
  })

  test('2024 has 244 trading days', () => {
    expect(tradingDaysBetween('2024-01-01', '2024-12-31')).toHaveLength(244)
  })
})

describe('session hours', () => {
  test('a session’s minute bars run from the open to the closing auction, whose single bar is at the close', () => {
    const regular = sessionMinuteBars('2025-03-04')
    expect(regular).toHaveLength(381)
    expect(regular.slice(0, 2)).toEqual(['09:00', '09:01'])
    expect(regular.slice(-3)).toEqual(['15:18', '15:19', '15:30'])
    // The first session of a year opens at 10:00; a CSAT day runs 10:00–16:30.
    expect(sessionMinuteBars('2025-01-02').slice(0, 1)).toEqual(['10:00'])
    expect(sessionMinuteBars('2025-01-02')).toHaveLength(321)
    expect(sessionMinuteBars('2025-11-13').slice(-2)).toEqual(['16:19', '16:30'])
    // Before 2016-08-01 the session closed at 15:00.
    expect(sessionMinuteBars('2016-07-01').slice(-2)).toEqual(['14:49', '15:00'])
    expect(sessionMinuteBars('2025-03-08')).toEqual([])
  })

  test('a regular day runs 09:00 to 15:30', () => {
    expect(sessionHours('2021-01-05')).toEqual({ open: '09:00', close: '15:30' })
  })

  test('the first trading day of the year opens at 10:00', () => {
    expect(sessionHours('2021-01-04')).toEqual({ open: '10:00', close: '15:30' })
    expect(sessionHours('2024-01-02')).toEqual({ open: '10:00', close: '15:30' })
  })

  test('CSAT day 2024-11-14 is shifted to 10:00-16:30', () => {
    expect(sessionHours('2024-11-14')).toEqual({ open: '10:00', close: '16:30' })
  })

  test('before 2016-08-01 the session closed at 15:00', () => {
    expect(sessionHours('2016-07-29')).toEqual({ open: '09:00', close: '15:00' })
    expect(sessionHours('2015-11-12')).toEqual({ open: '10:00', close: '16:00' })
  })

  test('a closed day has no session', () => {
    expect(sessionHours('2021-01-01')).toBeUndefined()
  })
})

describe('coverage and input checks', () => {
  test('the closure table covers 2015 through 2027 and knows only weekends outside it', () => {
    expect(calendarCovers('2015-01-01')).toBe(true)
    expect(calendarCovers('2027-12-31')).toBe(true)
    expect(calendarCovers('2014-12-31')).toBe(false)
    expect(calendarCovers('2028-01-01')).toBe(false)
    expect(isTradingDay('2028-01-03')).toBe(true)
    expect(isTradingDay('2028-01-01')).toBe(false)
  })

  test('every listed closure is a weekday in its own year', () => {
    for (let year = 2015; year <= 2027; year++) {
      const closures = closuresInYear(year)
      expect(closures.length, String(year)).toBeGreaterThanOrEqual(11)
      for (const { date } of closures) {
        expect(date.startsWith(`${year}-`)).toBe(true)
        expect([0, 6]).not.toContain(new Date(`${date}T00:00:00Z`).getUTCDay())
      }
    }
  })

  test.each(['2021-1-4', '20210104', '2021-02-30', '2021-13-01', '', 'yesterday'])('rejects malformed date %j', (input) => {
    expect(() => isTradingDay(input)).toThrow(/YYYY-MM-DD/)
    expect(() => previousTradingDay(input)).toThrow(RangeError)
  })
})

describe('which days can be loaded now', () => {
  // 2026-12-02 is a Wednesday with a 15:30 close: final from 16:30 KST (07:30 UTC).
  const beforeClose = new Date('2026-12-02T01:09:00Z') // 10:09 KST
  const afterFinal = new Date('2026-12-02T07:30:00Z') // 16:30 KST

  test('a day after today in Korea is refused with both dates', () => {
    expect(unfinishedDateReason('ohlcv_daily', '2026-12-03', afterFinal)).toBe('2026-12-03 is after today in Korea (2026-12-02)')
    expect(unfinishedDateReason('stocks', '2026-12-03', afterFinal)).toBe('2026-12-03 is after today in Korea (2026-12-02)')
  })

  test('today is refused for daily data before its close plus the margin, and allowed from then on', () => {
    expect(unfinishedDateReason('ohlcv_daily', '2026-12-02', beforeClose)).toMatch(/^2026-12-02 is today in Korea and its session is not final yet: .*from 16:30 KST \(the 15:30 close plus 60 minutes\); the last closed session is 2026-12-01$/)
    expect(unfinishedDateReason('ohlcv_daily', '2026-12-02', afterFinal)).toBeUndefined()
  })

  test('reference data as of today, and any past day, can be loaded before the close', () => {
    expect(unfinishedDateReason('stocks', '2026-12-02', beforeClose)).toBeUndefined()
    expect(unfinishedDateReason('investor_trading', '2026-12-01', beforeClose)).toBeUndefined()
  })

  test('the last closed session is yesterday before the margin, today after, Friday on a Saturday', () => {
    expect(lastClosedSession(beforeClose)).toBe('2026-12-01')
    expect(lastClosedSession(afterFinal)).toBe('2026-12-02')
    expect(lastClosedSession(new Date('2026-11-28T03:00:00Z'))).toBe('2026-11-27')
  })

  test('a date that is not on the calendar names the wrong part', () => {
    expect(calendarDateProblem('2024-02-30')).toBe('2024-02-30 is not a calendar date: 2024-02 has 29 days')
    expect(calendarDateProblem('2025-13-01')).toBe('2025-13-01 is not a calendar date: there is no month 13')
    expect(calendarDateProblem('20240230')).toBe('expected a date as YYYY-MM-DD, got "20240230"')
    expect(calendarDateProblem('2024-02-29')).toBeUndefined()
  })
})
