import { describe, expect, it } from 'vitest'
import {
  KRX_SCREENS,
  dataKeyOf,
  investorTradingRecordOf,
  marketCapRecordOf,
  ohlcvRecordOf,
  parseKrxDate,
  parseKrxDecimal,
  parseKrxInteger,
  rowsOf,
  signByFlucCode,
  toKrxRequestDate,
  type KrxRow,
} from '../src/index.ts'
import { readKrxFixture } from './fixtures.ts'

function recordedRows(name: string): KrxRow[] {
  const fixture = readKrxFixture(name)
  return rowsOf(JSON.parse(fixture.response.body), fixture.request.form.bld!)
}

const byCode = (rows: KrxRow[], code: string) => rows.find((row) => row.ISU_SRT_CD === code)!

describe('KRX value parsers', () => {
  it('reads numbers with thousands separators and signs exactly', () => {
    expect(parseKrxDecimal('1,234,567')).toEqual({ ok: true, value: '1234567' })
    expect(parseKrxDecimal('-1,700')).toEqual({ ok: true, value: '-1700' })
    expect(parseKrxDecimal('-0.21')).toEqual({ ok: true, value: '-0.21' })
    expect(parseKrxInteger('495,491,951,650,000')).toEqual({ ok: true, value: 495_491_951_650_000 })
  })

  it('reads "-" and "" as a missing value, not an error', () => {
    for (const missing of ['-', '', ' ', undefined]) {
      expect(parseKrxDecimal(missing)).toEqual({ ok: true, value: null })
      expect(parseKrxInteger(missing)).toEqual({ ok: true, value: null })
    }
  })

  it('reports a value that does not parse instead of guessing', () => {
    expect(parseKrxDecimal('12a,3')).toEqual({ ok: false, problem: 'not a number ("12a,3")' })
    expect(parseKrxDecimal('1,23')).toEqual({ ok: false, problem: 'not a number ("1,23")' })
    expect(parseKrxInteger('1.5')).toEqual({ ok: false, problem: 'not a whole number ("1.5")' })
    expect(parseKrxInteger('99,999,999,999,999,999')).toMatchObject({ ok: false })
  })

  it('turns KRX dates into ISO dates and trade dates into request dates', () => {
    expect(parseKrxDate('2021/01/04')).toEqual({ ok: true, value: '2021-01-04' })
    expect(parseKrxDate('2021/02/30')).toEqual({ ok: false, problem: 'not a date ("2021/02/30")' })
    expect(parseKrxDate('20210104')).toMatchObject({ ok: false })
    expect(parseKrxDate('-')).toEqual({ ok: true, value: null })
    expect(toKrxRequestDate('2021-01-04')).toBe('20210104')
    expect(() => toKrxRequestDate('20210104')).toThrow(RangeError)
  })

  it('takes the direction of a change from FLUC_TP_CD, not from the text', () => {
    expect(signByFlucCode('400', '2')).toEqual({ ok: true, value: '-400' }) // ETF screens send it unsigned
    expect(signByFlucCode('-1270', '5')).toEqual({ ok: true, value: '-1270' })
    expect(signByFlucCode('250', '4')).toEqual({ ok: true, value: '250' })
    expect(signByFlucCode('-35', '1')).toEqual({ ok: true, value: '35' })
    expect(signByFlucCode('0.00', '3')).toEqual({ ok: true, value: '0.00' })
    expect(signByFlucCode('0', '0')).toEqual({ ok: true, value: '0' })
    expect(signByFlucCode('5', '3')).toMatchObject({ ok: false })
    expect(signByFlucCode('5', '9')).toEqual({ ok: false, problem: 'direction unknown (FLUC_TP_CD "9")' })
    expect(signByFlucCode(null, '2')).toEqual({ ok: true, value: null })
  })

  it('knows which key holds each screen’s rows', () => {
    expect(dataKeyOf(KRX_SCREENS.allStockPrices)).toBe('OutBlock_1')
    expect(dataKeyOf(KRX_SCREENS.stockMaster)).toBe('OutBlock_1')
    expect(dataKeyOf(KRX_SCREENS.investorTradingByStock)).toBe('output')
    expect(dataKeyOf(KRX_SCREENS.indexConstituents)).toBe('output')
    expect(dataKeyOf(KRX_SCREENS.etfPortfolio)).toBe('output')
    expect(dataKeyOf(KRX_SCREENS.sectorClassification)).toBe('block1')
    expect(dataKeyOf('dbms/comm/finder/finder_stkisu')).toBe('block1')
  })
})

describe('MDCSTAT01501 rows (recorded 2021-01-04, all markets)', () => {
  const rows = recordedRows('mdcstat01501-all-20210104-00')
  const ohlcv = (code: string) => ohlcvRecordOf(byCode(rows, code), '2021-01-04')

  it('parses every one of the 2,531 rows without a parse error', () => {
    expect(rows).toHaveLength(2_531)
    const errors = rows.flatMap((row) => [...ohlcvRecordOf(row, '2021-01-04').parseErrors, ...marketCapRecordOf(row, '2021-01-04').parseErrors])
    expect(errors).toEqual([])
  })

  it('gives Samsung Electronics’ day exactly as KRX reported it', () => {
    const row = byCode(rows, '005930')
    expect(ohlcvRecordOf(row, '2021-01-04')).toEqual({
      values: {
        stock_code: '005930',
        time: '2021-01-04',
        open_price: '81000',
        high_price: '84400',
        low_price: '80200',
        close_price: '83000',
        volume: 38_655_276,
        trading_value: 3_185_356_823_460,
        change: '2000',
        change_rate: '2.47',
      },
      raw: row,
      parseErrors: [],
    })
    expect(marketCapRecordOf(row, '2021-01-04').values).toEqual({
      stock_code: '005930',
      time: '2021-01-04',
      close_price: '83000',
      market_cap: 495_491_951_650_000,
      shares_outstanding: 5_969_782_550,
    })
  })

  it('keeps alphanumeric stock codes (preferred shares like 00104K)', () => {
    const codes = rows.map((row) => ohlcvRecordOf(row, '2021-01-04').values.stock_code)
    expect(codes.filter((code) => !/^\d{6}$/.test(code!))).toHaveLength(19)
    expect(ohlcv('00104K').values).toMatchObject({ stock_code: '00104K', close_price: expect.stringMatching(/^\d+$/) })
  })

  it('gives a stock without a trade null open/high/low and the standing close', () => {
    // 079190 was halted: FLUC_TP_CD "0", open/high/low "0", volume "0".
    expect(ohlcv('079190').values).toMatchObject({ open_price: null, high_price: null, low_price: null, close_price: '2780', volume: 0, trading_value: 0, change: '0' })
    // A KONEX stock can go untraded while its reference price moves (FLUC_TP_CD "2").
    expect(ohlcv('183410').values).toMatchObject({ open_price: null, high_price: null, low_price: null, close_price: '1530', volume: 0, change: '-5', change_rate: '-0.33' })
    const untraded = rows.map((row) => ohlcvRecordOf(row, '2021-01-04').values).filter((values) => values.volume === 0)
    expect(untraded).toHaveLength(112)
    expect(untraded.every((values) => values.open_price === null && values.high_price === null && values.low_price === null && values.close_price !== null)).toBe(true)
  })

  it('signs changes by FLUC_TP_CD: down, lower limit, upper limit, unchanged', () => {
    expect(ohlcv('095570').values).toMatchObject({ change: '-35', change_rate: '-0.76' })
    expect(ohlcv('257990').values).toMatchObject({ change: '-1270', change_rate: '-14.94' })
    expect(ohlcv('002360').values).toMatchObject({ change: '250', change_rate: '29.94' })
    expect(ohlcv('001040').values).toMatchObject({ change: '0', change_rate: '0.00' })
  })

  it('turns a value that does not parse into null with a message in canonical terms', () => {
    const row = { ...byCode(rows, '005930'), TDD_CLSPRC: '12a,3', ACC_TRDVOL: '3.5' }
    const record = ohlcvRecordOf(row, '2021-01-04')
    expect(record.values).toMatchObject({ close_price: null, volume: null, open_price: '81000' })
    expect(record.parseErrors).toEqual(['close_price: not a number ("12a,3")', 'volume: not a whole number ("3.5")'])
    expect(record.raw).toBe(row)
  })
})

describe('MDCSTAT02401 rows (recorded investor trading by stock)', () => {
  it('maps ASK/BID/NETBID volumes and values to sell/buy/net for individuals on KOSPI', () => {
    const fixture = readKrxFixture('mdcstat02401-netbuy-0-00')
    expect(fixture.request.form).toMatchObject({ invstTpCd: '8000', mktId: 'STK' })
    const rows = recordedRows('mdcstat02401-netbuy-0-00')
    const request = { investorType: 'individual', invstTpCd: '8000', mktId: 'STK' }
    const records = rows.map((row) => investorTradingRecordOf(row, request, '2021-01-22'))

    expect(records).toHaveLength(906)
    expect(records.flatMap((record) => record.parseErrors)).toEqual([])
    expect(records[0]!.values).toEqual({
      stock_code: '005930',
      investor_type: 'individual',
      time: '2021-01-22',
      sell_volume: 79_567_418,
      buy_volume: 102_852_747,
      net_buy_volume: 23_285_329,
      sell_value: 6_918_846_810_800,
      buy_value: 8_972_911_580_500,
      net_buy_value: 2_054_064_769_700,
    })
    expect(records[0]!.raw).toMatchObject({ ISU_SRT_CD: '005930', invstTpCd: '8000', mktId: 'STK' })
    for (const { values } of records) {
      expect(values.net_buy_volume).toBe(values.buy_volume! - values.sell_volume!)
      expect(values.net_buy_value).toBe(values.buy_value! - values.sell_value!)
    }
    expect(records.find((record) => record.values.stock_code === '009320')!.values).toMatchObject({ net_buy_volume: -770 })
  })

  it('parses the KOSDAQ and financial-investment recordings the same way', () => {
    for (const name of ['mdcstat02401-netbuy-1-00', 'mdcstat02401-netbuy-2-00', 'mdcstat02401-netbuy-in_kosdaq-00']) {
      const { form } = readKrxFixture(name).request
      const request = { investorType: 'x', invstTpCd: form.invstTpCd!, mktId: form.mktId! }
      const records = recordedRows(name).map((row) => investorTradingRecordOf(row, request, '2021-01-22'))
      expect(records.length).toBeGreaterThan(800)
      expect(records.flatMap((record) => record.parseErrors)).toEqual([])
    }
  })
})
