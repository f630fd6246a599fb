import { readFileSync } from 'node:fs'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { SchemaViolationError, lastTradingDays, type OhlcvDailyValues, type TradeDate } from '@kmd/core'
import {
  decodeNaverPage,
  lastPageOf,
  parseDailyPricePage,
  parseInvestorNetPage,
  readDateRange,
  type DatedPage,
} from '../src/index.ts'
import * as cheerio from 'cheerio'

const RECORDED_PAGE = readFileSync(new URL('../../../../shared/fixtures/naver/sise_day-005930-page1.euc-kr.html', import.meta.url))

function dailyPage(rows: string, navigation = ''): string {
  return `<html><head><meta charset="euc-kr"></head><body><table class="type2"><tr><th>날짜</th></tr>${rows}</table>${navigation}</body></html>`
}

function dayRow(date: string, change: string, cells: string[] = ['10,000', '9,900', '10,100', '9,800', '1,234']): string {
  const [close, open, high, low, volume] = cells
  return `<tr><td align="center"><span class="tah p10 gray03">${date}</span></td><td class="num"><span class="tah p11">${close}</span></td><td class="num">${change}</td><td class="num"><span class="tah p11">${open}</span></td><td class="num"><span class="tah p11">${high}</span></td><td class="num"><span class="tah p11">${low}</span></td><td class="num"><span class="tah p11">${volume}</span></td></tr>`
}

describe('Naver daily prices (sise_day) on the recorded page', () => {
  const page = parseDailyPricePage(decodeNaverPage(RECORDED_PAGE, 'text/html;charset=EUC-KR'), '005930')

  it('decodes the EUC-KR bytes (UTF-8 would destroy every Hangul character)', () => {
    expect(decodeNaverPage(RECORDED_PAGE, undefined)).toContain('<th>날짜</th>')
    expect(RECORDED_PAGE.toString('utf8')).not.toContain('날짜')
  })

  it('reads ten days, newest first, with the last page (756) from the 맨뒤 link', () => {
    expect(page.lastPage).toBe(756)
    expect(page.records).toHaveLength(10)
    expect(page.records.map((record) => record.values.time)).toEqual([
      '2026-09-11', '2026-09-10', '2026-09-09', '2026-09-08', '2026-09-07',
      '2026-09-04', '2026-09-03', '2026-09-02', '2026-09-01', '2026-08-31',
    ])
    expect(page.records.flatMap((record) => record.parseErrors)).toEqual([])
  })

  it('signs the change by its 상승/하락/보합 marker', () => {
    expect(page.records.map((record) => record.values.change)).toEqual(['-9500', '-500', '0', '-500', '14500', '5500', '-500', '-10500', '1000', '3000'])
    // Each change is the difference to the next (older) row's close.
    for (let i = 0; i < 9; i++) {
      const [day, before] = [page.records[i]!.values, page.records[i + 1]!.values]
      expect(Number(day.close_price) - Number(before.close_price)).toBe(Number(day.change))
    }
  })

  it('keeps prices and volume exact, and leaves trading value and change rate null (Naver shows neither)', () => {
    expect(page.records[0]!.values).toEqual({
      stock_code: '005930',
      time: '2026-09-11',
      open_price: '258000',
      high_price: '261500',
      low_price: '256500',
      close_price: '259500',
      volume: 13_927_553,
      trading_value: null,
      change: '-9500',
      change_rate: null,
    })
    expect(page.records[0]!.raw).toMatchObject({ date: '2026.09.11', change: '9,500', direction: -1 })
  })
})

describe('Naver change markers and odd rows', () => {
  const parsed = (change: string, cells?: string[]) => parseDailyPricePage(dailyPage(dayRow('2024.01.02', change, cells)), '000020').records[0]!

  it('reads 상한가/하한가 markers and older pages’ image markers', () => {
    expect(parsed('<em class="bu_p bu_pup2"><span class="blind">상한가</span></em><span class="tah p11 red02">2,300</span>').values.change).toBe('2300')
    expect(parsed('<em class="bu_p bu_pdn2"><span class="blind">하한가</span></em><span class="tah p11 nv01">2,300</span>').values.change).toBe('-2300')
    expect(parsed('<img src="ico_down.gif" alt="하락"><span class="tah p11 nv01">150</span>').values.change).toBe('-150')
    expect(parsed('<span class="blind">상승</span><span class="tah p11">150</span>').values.change).toBe('150')
  })

  it('reports a change without a direction instead of guessing its sign', () => {
    const record = parsed('<span class="tah p11">150</span>')
    expect(record.values.change).toBeNull()
    expect(record.parseErrors).toEqual(['change: direction unknown (no 상승/하락 marker next to "150")'])
  })

  it('reads a day without trades as open/high/low null', () => {
    const record = parsed('<em class="bu_p bu_pn"><span class="blind">보합</span></em><span class="tah p11">0</span>', ['10,000', '0', '0', '0', '0'])
    expect(record.values).toMatchObject({ close_price: '10000', open_price: null, high_price: null, low_price: null, volume: 0, change: '0' })
  })

  it('calls a page without the price table a schema violation', () => {
    expect(() => parseDailyPricePage('<html><body><p>없음</p></body></html>', '005930')).toThrow(SchemaViolationError)
  })

  it('finds the last page in the navigation links when there is no 맨뒤 link', () => {
    const navigation = '<table class="Nnavi"><tr><td><a href="/item/sise_day.naver?code=1&amp;page=1">1</a></td><td class="on"><a href="/item/sise_day.naver?code=1&amp;page=2">2</a></td><td><a href="/item/sise_day.naver?code=1&amp;page=3">3</a></td></tr></table>'
    expect(lastPageOf(cheerio.load(navigation))).toBe(3)
    expect(lastPageOf(cheerio.load('<p></p>'))).toBe(1)
  })
})

describe('Naver institution/foreigner page (frgn)', () => {
  const html = `<html><body>
<table class="type2" summary="거래원정보에 관한표이며 일자별 누적 정보를 제공합니다."><tr><td>키움증권</td><td class="num">1,000</td><td>NH투자증권</td><td class="num">900</td></tr></table>
<table class="type2" summary="외국인 기관 순매매 거래량에 관한표이며 날짜별로 정보를 제공합니다.">
<tr><th>날짜</th></tr>
<tr><td class="tc"><span class="tah p10 gray03">2026.08.21</span></td><td class="num">15,020</td>
<td class="num"><em class="bu_p bu_pdn"><span class="blind">하락</span></em><span class="tah p11 nv01">65</span></td>
<td class="num">-0.43%</td><td class="num">210,334</td><td class="num">+17,169</td><td class="num">-19,294</td><td class="num">1,947,174</td><td class="num">12.93%</td></tr>
<tr><td class="tc">2026.08.20</td><td class="num">15,085</td><td class="num"><span class="tah p11">0</span></td><td class="num">0.00%</td><td class="num">98,000</td><td class="num">0</td><td class="num">+2,000</td><td class="num">1,966,468</td><td class="num">13.06%</td></tr>
</table></body></html>`

  it('reads the second table: signed net volumes of 기관 and 외국인, and foreign holdings', () => {
    const page = parseInvestorNetPage(iconv.decode(iconv.encode(html, 'euc-kr'), 'cp949'), '950130')
    expect(page.records.map((record) => record.values)).toEqual([
      { stock_code: '950130', time: '2026-08-21', institution_net_volume: 17_169, foreign_net_volume: -19_294, foreign_holding_shares: 1_947_174, foreign_holding_ratio: '12.93' },
      { stock_code: '950130', time: '2026-08-20', institution_net_volume: 0, foreign_net_volume: 2_000, foreign_holding_shares: 1_966_468, foreign_holding_ratio: '13.06' },
    ])
    expect(page.records[0]!.raw).toMatchObject({ change_rate: '-0.43%', change: '65', direction: -1 })
  })
})

describe('reading a date range from pages that run newest first', () => {
  // A stock with a row for every trading day up to 2025-03-10, ten a page.
  const days = lastTradingDays(600, '2025-03-10').reverse()
  const pageOf = (number: number): DatedPage<OhlcvDailyValues> => ({
    records: days.slice((number - 1) * 10, number * 10).map((time) => ({
      values: { stock_code: '000020', time, open_price: '1', high_price: '1', low_price: '1', close_price: '1', volume: 1, trading_value: null, change: '0', change_rate: null },
      raw: {},
      parseErrors: [],
    })),
    lastPage: Math.ceil(days.length / 10),
  })

  async function read(from: TradeDate, to: TradeDate) {
    const asked: number[] = []
    const result = await readDateRange((page) => (asked.push(page), Promise.resolve(pageOf(page))), { from, to }, 10)
    return { ...result, asked }
  }

  it('reads the range across a page boundary, oldest first, nothing outside it', async () => {
    const { records, asked } = await read('2025-02-20', '2025-03-05')
    expect(records.map((record) => record.values.time)).toEqual(days.filter((day) => day >= '2025-02-20' && day <= '2025-03-05').reverse())
    expect(asked).toEqual([1, 2])
  })

  it('jumps to a range two years back in a few requests instead of reading every page', async () => {
    const { records, asked } = await read('2023-01-02', '2023-01-06')
    expect(records.map((record) => record.values.time)).toEqual(['2023-01-02', '2023-01-03', '2023-01-04', '2023-01-05', '2023-01-06'])
    expect(asked.length).toBeLessThanOrEqual(5)
  })

  it('stops at the last page when the range begins before the history', async () => {
    const { records } = await read('2000-01-01', days.at(-1)!)
    expect(records).toHaveLength(1)
  })

  it('finds nothing for a range after the newest day', async () => {
    expect((await read('2025-03-11', '2025-03-12')).records).toEqual([])
  })
})
