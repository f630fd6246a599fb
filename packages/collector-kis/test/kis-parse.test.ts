import { AuthenticationError, RateLimitedError, SchemaViolationError, SourceUnavailableError, type HttpResponse } from '@kmd/core'
import { describe, expect, it } from 'vitest'
import {
  calendarBatch,
  calendarRecordOf,
  changeRate,
  dailyOhlcvBatches,
  investorTradingBatches,
  investorTradingRecordsOf,
  kisAnswerCheck,
  KisTokenExpiredError,
  ohlcvRecordOf,
  parseKisDate,
  parseKisDecimal,
  parseKisInteger,
  parseKisMillionsAsWon,
  signByChangeCode,
  toKisDate,
  tokenAnswerCheck,
} from '../src/index.ts'
import { readKisFixture, recordedRows } from './fixtures.ts'

describe('KIS value parsers', () => {
  it('reads plain number strings exactly', () => {
    expect(parseKisDecimal('71000')).toEqual({ ok: true, value: '71000' })
    expect(parseKisDecimal('-800')).toEqual({ ok: true, value: '-800' })
    expect(parseKisDecimal('-1.11')).toEqual({ ok: true, value: '-1.11' })
    expect(parseKisDecimal('-0')).toEqual({ ok: true, value: '0' })
    expect(parseKisInteger('808470078650')).toEqual({ ok: true, value: 808_470_078_650 })
  })

  it('treats a thousands separator as a format change, not a number', () => {
    expect(parseKisDecimal('1,234')).toEqual({ ok: false, problem: 'not a number ("1,234")' })
    expect(parseKisInteger('12.5')).toEqual({ ok: false, problem: 'not a whole number ("12.5")' })
  })

  it('converts 백만원 amounts to won', () => {
    expect(parseKisMillionsAsWon('-144473')).toEqual({ ok: true, value: -144_473_000_000 })
    expect(parseKisMillionsAsWon('0')).toEqual({ ok: true, value: 0 })
  })

  it('reads YYYYMMDD dates and refuses impossible ones', () => {
    expect(parseKisDate('20250811')).toEqual({ ok: true, value: '2025-08-11' })
    expect(parseKisDate('20250230').ok).toBe(false)
    expect(toKisDate('2025-08-11')).toBe('20250811')
  })

  it('takes the direction of a change from prdy_vrss_sign', () => {
    expect(signByChangeCode('800', '5')).toEqual({ ok: true, value: '-800' })
    expect(signByChangeCode('-800', '4')).toEqual({ ok: true, value: '-800' })
    expect(signByChangeCode('1000', '2')).toEqual({ ok: true, value: '1000' })
    expect(signByChangeCode('0', '3')).toEqual({ ok: true, value: '0' })
    expect(signByChangeCode('5', '3').ok).toBe(false)
    expect(signByChangeCode('5', '9').ok).toBe(false)
  })

  it('computes the change rate KRX would show, to two decimals', () => {
    expect(changeRate('71000', '-800')).toBe('-1.11')
    expect(changeRate('112000', '1000')).toBe('0.90')
    expect(changeRate('107500', '0')).toBe('0.00')
    expect(changeRate('0', '0')).toBeNull()
  })
})

describe('the recorded daily chart (FHKST03010100)', () => {
  const row = recordedRows('daily-itemchartprice', 'output2')[0]!

  it('becomes an unadjusted daily bar in won and shares', () => {
    const record = ohlcvRecordOf(row, '000660')
    expect(record.parseErrors).toEqual([])
    expect(record.values).toEqual({
      stock_code: '000660',
      time: '2022-05-09',
      open_price: '107000',
      high_price: '109000',
      low_price: '106500',
      close_price: '107500',
      volume: 2_203_472,
      trading_value: 237_914_727_500,
      change: '0',
      change_rate: '0.00',
    })
    expect(record.raw).toMatchObject({ stck_bsop_date: '20220509', FID_INPUT_ISCD: '000660' })
  })

  it('makes one batch per trade date', () => {
    const batches = dailyOhlcvBatches([{ stockCode: '000660', rows: [row], requestCount: 1 }])
    expect(batches).toHaveLength(1)
    expect(batches[0]).toMatchObject({ dataset: 'ohlcv_daily', source: 'kis', tradeDate: '2022-05-09', nonTradingDay: false, requestCount: 1 })
  })

  it('leaves no price on a day without a trade', () => {
    const halted = { ...row, stck_oprc: '0', stck_hgpr: '0', stck_lwpr: '0', acml_vol: '0', acml_tr_pbmn: '0' }
    expect(ohlcvRecordOf(halted, '000660').values).toMatchObject({ open_price: null, high_price: null, low_price: null, close_price: '107500', volume: 0 })
  })
})

describe('the recorded investor flows (FHPTJ04160001)', () => {
  const row = recordedRows('investor-trade-by-stock-daily', 'output2')[0]!
  const records = investorTradingRecordsOf(row, '005930')
  const byType = Object.fromEntries(records.map((record) => [record.values.investor_type, record]))

  it('maps KIS’s groups onto KRX’s eleven leaf investor types', () => {
    expect(Object.keys(byType).sort()).toEqual(
      ['bank', 'financial_investment', 'foreign', 'individual', 'insurance', 'investment_trust', 'other_corporation', 'other_financial', 'other_foreign', 'pension_fund', 'private_equity'],
    )
    const net = (type: string) => [byType[type]!.values.net_buy_volume, byType[type]!.values.net_buy_value]
    expect(net('financial_investment')).toEqual([-44_264, -3_169_000_000])
    expect(net('private_equity')).toEqual([-125_032, -8_887_000_000])
    expect(net('other_financial')).toEqual([-737, -52_000_000])
    expect(net('pension_fund')).toEqual([-113_436, -8_301_000_000])
    expect(net('individual')).toEqual([1_686_273, 120_110_000_000])
    expect(net('foreign')).toEqual([-2_031_350, -144_473_000_000])
    expect(net('other_foreign')).toEqual([1_550, 110_000_000])
    // 기타법인 915,349 + 기타단체 0, as KIS's 기타 (etc) sums them.
    expect(net('other_corporation')).toEqual([915_349, 65_156_000_000])
  })

  it('nets to zero in volume; in value only to within KIS’s rounding to the million', () => {
    const volume = records.reduce((sum, { values }) => sum + values.net_buy_volume!, 0)
    const value = records.reduce((sum, { values }) => sum + values.net_buy_value!, 0)
    expect(volume).toBe(0)
    // Each group's 백만원 figure is rounded on its own: here the eleven add up to 1 백만원.
    expect(value).toBe(1_000_000)
  })

  it('reads the foreigners’ buy and sell legs, whose difference can miss the net by a rounding', () => {
    expect(byType.foreign!.parseErrors).toEqual([])
    expect(byType.foreign!.values).toMatchObject({ sell_volume: 4_550_828, buy_volume: 2_519_478, sell_value: 324_074_000_000, buy_value: 179_600_000_000 })
    expect(byType.foreign!.values.buy_volume! - byType.foreign!.values.sell_volume!).toBe(-2_031_350)
    expect(byType.foreign!.values.buy_value! - byType.foreign!.values.sell_value!).toBe(-144_474_000_000)
  })

  it('reports the legs KIS cut from its example as missing instead of inventing them', () => {
    expect(byType.financial_investment!.values.sell_volume).toBeNull()
    expect(byType.financial_investment!.parseErrors).toContain('sell_volume: missing (scrt_seln_vol is absent)')
  })

  it('makes one batch for the day with the stock’s eleven rows', () => {
    const [batch] = investorTradingBatches([{ stockCode: '005930', rows: [row], requestCount: 1 }])
    expect(batch).toMatchObject({ dataset: 'investor_trading', source: 'kis', tradeDate: '2025-08-11', requestCount: 1 })
    expect(batch!.records).toHaveLength(11)
    expect(batch!.records[0]!.raw).toMatchObject({ FID_INPUT_ISCD: '005930', stck_bsop_date: '20250811' })
  })
})

describe('the recorded holiday calendar (CTCA0903R)', () => {
  const rows = recordedRows('chk-holiday', 'output')

  it('marks open days from opnd_yn, including the year-end closing day', () => {
    const byDate = Object.fromEntries(rows.map((row) => calendarRecordOf(row)).map(({ values }) => [values.trade_date, values.is_trading_day]))
    expect(byDate).toMatchObject({
      '2022-12-29': true,
      '2022-12-30': false,
      '2022-12-31': false,
      '2023-01-01': false,
      '2023-01-02': true,
    })
  })

  it('reports the row KIS cut short instead of guessing it', () => {
    const last = calendarRecordOf(rows.at(-1)!)
    expect(last.values).toEqual({ trade_date: '2023-01-07', is_trading_day: null, holiday_name: null })
    expect(last.parseErrors).toEqual(['is_trading_day: missing (opnd_yn is absent)'])
  })

  it('makes one market_calendar batch', () => {
    const batch = calendarBatch(rows, '2022-12-27', 1)
    expect(batch).toMatchObject({ dataset: 'market_calendar', source: 'kis', tradeDate: '2022-12-27', requestCount: 1 })
    expect(batch.records).toHaveLength(12)
    expect(batch.records[0]!.values).toEqual({ trade_date: '2022-12-27', is_trading_day: true, holiday_name: null })
  })
})

describe('KIS answers', () => {
  const SECRET = 'app-secret-that-must-not-leak'
  const answer = (status: number, body: unknown): HttpResponse<string> => ({ status, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) })
  const check = (response: HttpResponse<string>) => kisAnswerCheck('kis GET /uapi/x (TR)', [SECRET], () => undefined)(response)

  it('keeps a recorded answer whose envelope KIS left out', () => {
    let kept: unknown
    expect(kisAnswerCheck('kis', [], (body) => (kept = body))(answer(200, readKisFixture('daily-itemchartprice').response))).toBeUndefined()
    expect(kept).toHaveProperty('output2')
  })

  it('turns rt_cd != "0" into an error carrying msg_cd and msg1', () => {
    const error = check(answer(200, { rt_cd: '1', msg_cd: 'OPSQ2001', msg1: 'ERROR INPUT FIELD' }))
    expect(error).toBeInstanceOf(SchemaViolationError)
    expect(error!.message).toContain('OPSQ2001 ERROR INPUT FIELD')
    expect(error!.retryable).toBe(false)
  })

  it('recognises the expired token in an HTTP 200 and in an HTTP 500 answer', () => {
    const body = { rt_cd: '1', msg_cd: 'EGW00123', msg1: '기간이 만료된 token 입니다.' }
    expect(check(answer(200, body))).toBeInstanceOf(KisTokenExpiredError)
    expect(check(answer(500, body))).toBeInstanceOf(KisTokenExpiredError)
  })

  it('recognises the rate-limit answer as retryable', () => {
    const error = check(answer(500, { rt_cd: '1', msg_cd: 'EGW00201', msg1: '초당 거래건수를 초과하였습니다.' }))
    expect(error).toBeInstanceOf(RateLimitedError)
    expect(error!.retryable).toBe(true)
    expect(error!.message).toContain('EGW00201 초당 거래건수를 초과하였습니다.')
  })

  it('reads the token endpoint’s error_code shape, and does not wait a minute for EGW00133', () => {
    const keep = () => undefined
    const limited = tokenAnswerCheck('kis POST /oauth2/tokenP', [], keep)(answer(403, { error_description: '접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)', error_code: 'EGW00133' }))
    expect(limited).toBeInstanceOf(RateLimitedError)
    expect((limited as RateLimitedError).retryAfterMs).toBeGreaterThan(60_000)
    const refused = tokenAnswerCheck('kis POST /oauth2/tokenP', [], keep)(answer(403, { error_description: '유효하지 않은 AppKey입니다.', error_code: 'EGW00103' }))
    expect(refused).toBeInstanceOf(AuthenticationError)
    expect(tokenAnswerCheck('kis POST /oauth2/tokenP', [], keep)(answer(200, { token_type: 'Bearer' }))).toBeInstanceOf(SchemaViolationError)
  })

  it('masks a secret KIS echoes in msg1', () => {
    const error = check(answer(200, { rt_cd: '1', msg_cd: 'EGW00105', msg1: `bad secret ${SECRET}` }))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error!.message).not.toContain(SECRET)
    expect(error!.message).toContain('EGW00105 bad secret ***')
  })

  it('retries JSON cut off mid-way, and leaves a text error page to its status', () => {
    expect(check(answer(200, '{"rt_cd":"0","output2":[{"stck'))).toBeInstanceOf(SourceUnavailableError)
    expect(check(answer(500, '<html>500</html>'))).toBeUndefined()
  })
})
