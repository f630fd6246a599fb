import { describe, expect, it } from 'vitest'
import {
  delistedStockRecordOf,
  etfPortfoliosFromAnswers,
  indexComponentsFromAnswers,
  parseKrxIndexId,
  rowsOf,
  stockCodeFromIsin,
  stockMasterFromRows,
  type KrxRow,
} from '../src/index.ts'
import { readKrxFixture } from './fixtures.ts'

function recordedRows(name: string): KrxRow[] {
  const fixture = readKrxFixture(name)
  return rowsOf(JSON.parse(fixture.response.body), fixture.request.form.bld!)
}

const master = recordedRows('mdcstat01901-master-all-00')
const masterBatch = stockMasterFromRows(master, [], '2026-04-14')
const stock = (code: string) => masterBatch.records.find((record) => record.values.stock_code === code)!

/** A row of MDCSTAT23801 as the screen lists it (fields per sources/README A.3). */
function delistedRow(fields: Partial<Record<string, string>> = {}): KrxRow {
  return {
    ISU_CD: 'KR7032860007',
    ISU_NM: '글로스퍼랩스',
    MKT_NM: 'KOSDAQ',
    SECUGRP_NM: '주권',
    KIND_STKCERT_TP_NM: '보통주',
    LIST_DD: '1997/09/10',
    DELIST_DD: '2024/06/28',
    DELIST_RSN_DSC: '감사의견 거절(의견거절)',
    ARRANTRD_MKTACT_ENFORCE_DD: '2024/06/18',
    ARRANTRD_END_DD: '2024/06/27',
    IDX_IND_NM: '소프트웨어',
    PARVAL: '500',
    LIST_SHRS: '31,283,112',
    TO_ISU_SRT_CD: '',
    TO_ISU_ABBRV: '',
    ...fields,
  }
}

describe('stock master (MDCSTAT01901) on the recording', () => {
  it('reads all 2,882 listed stocks without a parse error', () => {
    expect(masterBatch).toMatchObject({ dataset: 'stocks', source: 'krx', tradeDate: '2026-04-14', nonTradingDay: false })
    expect(masterBatch.records).toHaveLength(2_882)
    expect(masterBatch.records.flatMap((record) => record.parseErrors)).toEqual([])
  })

  it('keeps alphanumeric codes as KRX writes them', () => {
    expect(stock('0041B0').values).toMatchObject({ isin: 'KR70041B0002', market: 'KOSDAQ' })
    expect(stock('37550L').values).toMatchObject({ isin: 'KR737550K029', share_class: '신형우선주' })
    expect(stock('00104K').values.stock_code).toBe('00104K')
  })

  it('reads "무액면" as no par value, without a parse error, and decimals as they are', () => {
    const noPar = masterBatch.records.filter((record) => record.raw.PARVAL === '무액면')
    expect(noPar).toHaveLength(15)
    expect(noPar.every((record) => record.values.par_value === null && record.parseErrors.length === 0)).toBe(true)
    expect(stock('900140').values.par_value).toBe('0.25')
    expect(stock('095570').values.par_value).toBe('1000')
  })

  it('maps KOSDAQ GLOBAL to the KOSDAQ market with KOSDAQ GLOBAL as its segment', () => {
    expect(stock('009520').values).toMatchObject({ market: 'KOSDAQ', market_segment: 'KOSDAQ GLOBAL' })
    expect(stock('098120').values).toMatchObject({ market: 'KOSDAQ', market_segment: '중견기업부' })
    expect(stock('095570').values).toMatchObject({ market: 'KOSPI', market_segment: null })
    const markets = new Set(masterBatch.records.map((record) => record.values.market))
    expect(markets).toEqual(new Set(['KOSPI', 'KOSDAQ', 'KONEX']))
  })

  it('turns YYYY/MM/DD listing dates into ISO dates and counts shares', () => {
    expect(stock('098120').values).toMatchObject({
      name: '(주)마이크로컨텍솔루션',
      short_name: '마이크로컨텍솔',
      english_name: 'Micro Contact Solution Co.,Ltd.',
      listing_date: '2008-09-23',
      listed_shares: 8_312_766,
      security_group: '주권',
      delisting_date: null,
    })
  })

  it('shows that the code is ISIN[3..9) for every KR7 common-share ISIN, and not for preferred shares, DRs or foreign issuers', () => {
    const derivable = master.filter((row) => stockCodeFromIsin(String(row.ISU_CD)).ok)
    expect(derivable).toHaveLength(2_748)
    expect(derivable.every((row) => (stockCodeFromIsin(String(row.ISU_CD)) as { value: string }).value === row.ISU_SRT_CD)).toBe(true)
    // Where the rule is refused it would have been wrong (or has no Korean part) for 114 of the other 134.
    const refused = master.filter((row) => !stockCodeFromIsin(String(row.ISU_CD)).ok)
    expect(refused.filter((row) => String(row.ISU_CD).slice(3, 9) !== row.ISU_SRT_CD)).toHaveLength(114)
    expect(stockCodeFromIsin('KR7001461003')).toEqual({ ok: false, problem: 'not derivable from ISIN KR7001461003 (only KR7 common-share ISINs carry the code)' })
  })
})

describe('delisted stocks (MDCSTAT23801)', () => {
  it('gives a delisted common share its code from the ISIN, with delisting date, reason and sector', () => {
    const record = delistedStockRecordOf(delistedRow())
    expect(record.parseErrors).toEqual([])
    expect(record.values).toMatchObject({
      stock_code: '032860',
      isin: 'KR7032860007',
      name: '글로스퍼랩스',
      market: 'KOSDAQ',
      listing_date: '1997-09-10',
      delisting_date: '2024-06-28',
      delisting_reason: '감사의견 거절(의견거절)',
      sector_name: '소프트웨어',
      listed_shares: 31_283_112,
    })
  })

  it('leaves a preferred share’s code null with a parse error instead of guessing it', () => {
    const record = delistedStockRecordOf(delistedRow({ ISU_CD: 'KR7001461003', ISU_NM: 'BYC우', KIND_STKCERT_TP_NM: '구형우선주' }))
    expect(record.values).toMatchObject({ stock_code: null, isin: 'KR7001461003', delisting_date: '2024-06-28' })
    expect(record.parseErrors).toEqual(['stock_code: not derivable from ISIN KR7001461003 (only KR7 common-share ISINs carry the code)'])
  })

  it('takes a short code in ISU_CD as the code, should KRX send one', () => {
    const record = delistedStockRecordOf(delistedRow({ ISU_CD: '032860' }))
    expect(record.values).toMatchObject({ stock_code: '032860', isin: null })
    expect(record.parseErrors).toEqual([])
  })

  it('reports a delisted row without its delisting date, and a market name it does not know', () => {
    expect(delistedStockRecordOf(delistedRow({ DELIST_DD: '-' })).parseErrors).toEqual(['delisting_date: missing ("-")'])
    expect(delistedStockRecordOf(delistedRow({ MKT_NM: 'NASDAQ' })).parseErrors).toEqual(['market: unknown market name ("NASDAQ")'])
    expect(delistedStockRecordOf(delistedRow({ MKT_NM: '코스닥' })).values.market).toBe('KOSDAQ')
  })

  it('puts listed and delisted stocks in one batch', () => {
    const batch = stockMasterFromRows(master.slice(0, 3), [delistedRow()], '2026-04-14')
    expect(batch.records.map((record) => record.values.delisting_date)).toEqual([null, null, null, '2024-06-28'])
    expect(batch.requestCount).toBe(2)
  })
})

describe('index constituents (MDCSTAT00601) on the recordings', () => {
  it('gives one snapshot record per member, with the index id and the snapshot date', () => {
    const batch = indexComponentsFromAnswers([{ index: parseKrxIndexId('1/001'), rows: recordedRows('mdcstat00601-index-kospi-00') }], '2021-01-29')
    expect(batch).toMatchObject({ dataset: 'index_components', nonTradingDay: false, requestCount: 1 })
    expect(batch.records).toHaveLength(796)
    expect(batch.records[0]!.values).toEqual({ index_code: '1/001', index_name: '코스피', stock_code: '005930', snapshot_date: '2021-01-29' })
    expect(batch.records[0]!.raw).toMatchObject({ indIdx: '1', indIdx2: '001', ISU_ABBRV: '삼성전자' })
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
  })

  it('tells two snapshots apart: members joined between 2014 and 2021 are in one list only', () => {
    const older = new Set(recordedRows('mdcstat00601-index-kospi-01').map((row) => row.ISU_SRT_CD))
    const newer = new Set(recordedRows('mdcstat00601-index-kospi-00').map((row) => row.ISU_SRT_CD))
    expect([...newer].filter((code) => !older.has(code)).length).toBeGreaterThan(0)
    expect([...older].filter((code) => !newer.has(code)).length).toBeGreaterThan(0)
  })
})

describe('ETF PDF (MDCSTAT05001) on the recording', () => {
  const batch = etfPortfoliosFromAnswers([{ etf: { code: '152100', isin: 'KR7152100004' }, rows: recordedRows('mdcstat05001-etf-pdf-152100-00') }], '2021-04-02')

  it('keeps all 201 lines of ARIRANG 200 with weights summing to 100', () => {
    expect(batch.records).toHaveLength(201)
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
    const weights = batch.records.reduce((sum, record) => sum + Number(record.values.weight), 0)
    expect(weights).toBeCloseTo(100, 1)
  })

  it('reads a stock line with its shares per creation unit and amounts', () => {
    expect(batch.records[0]!.values).toEqual({
      etf_code: '152100',
      base_date: '2021-04-02',
      component_code: '005930',
      component_isin: 'KR7005930003',
      component_name: '삼성전자',
      component_market: 'STK',
      security_group: 'ST',
      shares: '8140.00',
      valuation_amount: '674806000',
      component_amount: '690272000',
      weight: '31.74',
    })
  })

  it('keeps the won-deposit cash line with null shares', () => {
    const cash = batch.records.find((record) => record.values.component_code === 'KRD010010001')!
    expect(cash.values).toMatchObject({ component_name: '원화예금', shares: null, valuation_amount: null, component_amount: '14159974', component_market: null })
    expect(cash.parseErrors).toEqual([])
  })
})
