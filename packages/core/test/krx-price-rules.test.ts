import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import {
  ceilToTick,
  dailyLimitPercent,
  floorToTick,
  isOnTickGrid,
  KRX_TICK_ERAS,
  MARKETS,
  mergedBands,
  roundToTick,
  tickEraOn,
  tickIn,
  tickSize,
  TICKS_KNOWN_SINCE,
  type Market,
} from '../src/krx-price-rules.ts'

// Recorded payloads live next to the repository: <repo root>/../shared/fixtures.
const KRX_FIXTURES = new URL('../../../../shared/fixtures/krx/', import.meta.url)

/** [market, price] of every non-zero price in a recorded KRX answer. */
function recordedPrices(file: string, fields: readonly string[], marketOf: (row: Record<string, string>) => string): Array<[string, number]> {
  const recording = JSON.parse(readFileSync(new URL(file, KRX_FIXTURES), 'utf8')) as { response: { body: string } }
  const body = JSON.parse(recording.response.body) as Record<string, unknown>
  const rows = (body.OutBlock_1 ?? body.output) as Array<Record<string, string>>
  return rows.flatMap((row) =>
    fields.map((field): [string, number] => [marketOf(row), Number(row[field]!.replace(/,/g, ''))]).filter(([, price]) => price > 0),
  )
}

const offGrid = (prices: Array<[string, number]>, date: string) => prices.filter(([market, price]) => !isOnTickGrid(price, market as Market, date))

describe('KRX tick tables by date and market', () => {
  test.each([
    [1_999, 1],
    [2_000, 5],
    [4_995, 5],
    [5_000, 10],
    [19_990, 10],
    [20_000, 50],
    [49_950, 50],
    [50_000, 100],
    [199_900, 100],
    [200_000, 500],
    [499_500, 500],
    [500_000, 1_000],
  ])('since 2023-01-25 a price of %i moves in steps of %i on every market', (price, tick) => {
    for (const market of MARKETS) expect(tickSize(price, market, '2023-01-25')).toBe(tick)
  })

  test.each([
    [999, 1, 1],
    [1_000, 5, 5],
    [5_000, 10, 10],
    [10_000, 50, 50],
    [50_000, 100, 100],
    [100_000, 500, 100],
    [500_000, 1_000, 100],
  ])('from 2011-01-03 to 2023-01-24 a price of %i moves in steps of %i on KOSPI, %i on KOSDAQ and KONEX', (price, kospi, kosdaq) => {
    for (const date of ['2011-01-03', '2023-01-24']) {
      expect(tickSize(price, 'KOSPI', date)).toBe(kospi)
      expect(tickSize(price, 'KOSDAQ', date)).toBe(kosdaq)
      expect(tickSize(price, 'KONEX', date)).toBe(kosdaq)
    }
  })

  test('days before the first known table have none, and asking for a tick there says so', () => {
    expect(TICKS_KNOWN_SINCE).toBe('2011-01-03')
    expect(tickEraOn('2010-12-30')).toBeUndefined()
    expect(() => tickSize(10_000, 'KOSPI', '2010-12-30')).toThrow('No KRX tick table is known for 2010-12-30: the first known table starts on 2011-01-03')
    expect(() => tickSize(10_000, 'NYSE' as Market, '2021-01-04')).toThrow('Not a KRX market: "NYSE"')
  })

  test('rounding near a band edge lands on the grid of the band it lands in, on that day and market', () => {
    expect(roundToTick(1_999.6, 'KOSPI', '2024-01-02')).toBe(2_000)
    expect(floorToTick(2_004, 'KOSPI', '2024-01-02')).toBe(2_000)
    expect(ceilToTick(4_996, 'KOSDAQ', '2024-01-02')).toBe(5_000)
    expect(isOnTickGrid(2_003, 'KOSPI', '2024-01-02')).toBe(false)
    expect(isOnTickGrid(2_005, 'KOSPI', '2024-01-02')).toBe(true)
    expect(roundToTick(150_260, 'KOSPI', '2021-01-04')).toBe(150_500)
    expect(roundToTick(150_260, 'KOSDAQ', '2021-01-04')).toBe(150_300)
    expect(isOnTickGrid(1_001, 'KOSDAQ', '2021-01-04')).toBe(false)
  })

  test('every market grid lies on the finest merged grid, and no market steps more than the coarsest', () => {
    for (const era of KRX_TICK_ERAS) {
      const finest = mergedBands(era, 'finest')
      const coarsest = mergedBands(era, 'coarsest')
      for (const market of MARKETS) {
        for (const [below] of era.bands[market]) {
          for (const price of Number.isFinite(below) ? [below - 1, below] : [10_000_000]) {
            const tick = tickIn(era.bands[market], price)
            expect(tick % tickIn(finest, price)).toBe(0)
            expect(tick).toBeLessThanOrEqual(tickIn(coarsest, price))
          }
        }
      }
    }
    const older = tickEraOn('2021-01-04')!
    expect(mergedBands(older, 'finest')).toEqual(older.bands.KOSDAQ)
    expect(mergedBands(older, 'coarsest')).toEqual(older.bands.KOSPI)
  })
})

describe('the tables hold real KRX prices', () => {
  test('every open, high, low and close of 2021-01-04 (all 2,531 stocks) lies on its market table of that day, not all on the 2023 table', () => {
    const prices = recordedPrices('mdcstat01501-all-20210104-00.json', ['TDD_OPNPRC', 'TDD_HGPRC', 'TDD_LWPRC', 'TDD_CLSPRC'], (row) => row.MKT_NM!)
    expect(prices.length).toBeGreaterThan(9_000)
    expect(offGrid(prices, '2021-01-04')).toEqual([])
    // KOSDAQ and KONEX prices above 200,000 moved in steps of 100, which the 2023 table forbids.
    expect(offGrid(prices, '2023-01-25').length).toBeGreaterThan(0)
  })

  test('every close of the KOSPI constituents of 2014-05-02 and 2021-01-29 lies on the KOSPI table', () => {
    for (const [file, date] of [['mdcstat00601-index-kospi-01.json', '2014-05-02'], ['mdcstat00601-index-kospi-00.json', '2021-01-29']] as const) {
      const prices = recordedPrices(file, ['TDD_CLSPRC'], () => 'KOSPI')
      expect(prices.length).toBeGreaterThan(700)
      expect(offGrid(prices, date)).toEqual([])
    }
  })
})

describe('KRX daily price limit by date', () => {
  test('±30% since 2015-06-15, ±15% before (and as the bound for days before 1998-12-07)', () => {
    expect(dailyLimitPercent('2015-06-15')).toBe(30)
    expect(dailyLimitPercent('2026-01-02')).toBe(30)
    expect(dailyLimitPercent('2015-06-12')).toBe(15)
    expect(dailyLimitPercent('1998-12-07')).toBe(15)
    expect(dailyLimitPercent('1995-05-02')).toBe(15)
  })
})
