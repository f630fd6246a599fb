import { describe, expect, it } from 'vitest'
import { ConfigError, SchemaViolationError, loadConfig } from '@kmd/core'
import {
  KRX_SCREENS,
  collectEtfPortfolios,
  collectIndexComponents,
  collectSectors,
  collectStockMaster,
  type KrxRow,
  type KrxScreenFetcher,
} from '../src/index.ts'
import { recordedRows, stubKrx } from './fixtures.ts'


const ETF_LIST: KrxRow[] = [
  { ISU_SRT_CD: '152100', ISU_CD: 'KR7152100004', ISU_ABBRV: 'ARIRANG 200', TDD_CLSPRC: '43,125' },
  { ISU_SRT_CD: '069500', ISU_CD: 'KR7069500007', ISU_ABBRV: 'KODEX 200', TDD_CLSPRC: '43,610' },
]

describe('collectStockMaster', () => {
  it('asks for the all-market master and the delistings since a year before the trade date', async () => {
    const krx = stubKrx(({ bld }) => (bld === KRX_SCREENS.stockMaster ? recordedRows('mdcstat01901-master-all-00') : []))
    const batch = await collectStockMaster(krx, '2026-04-14')
    expect(krx.calls).toEqual([
      { bld: KRX_SCREENS.stockMaster, fields: { mktId: 'ALL', share: '1' } },
      {
        bld: 'dbms/MDC/STAT/issue/MDCSTAT23801',
        fields: { mktId: 'ALL', isuCd: 'ALL', isuCd2: 'ALL', strtDd: '20250414', endDd: '20260414', share: '1' },
      },
    ])
    expect(batch).toMatchObject({ dataset: 'stocks', source: 'krx', tradeDate: '2026-04-14', nonTradingDay: false, requestCount: 2 })
    expect(batch.records).toHaveLength(2_882)
  })

  it('takes the delisting window’s start from delistedSince, and refuses one after the trade date', async () => {
    const krx = stubKrx(() => [])
    await collectStockMaster(krx, '2026-04-14', { delistedSince: '2000-01-01' })
    expect(krx.calls[1]!.fields.strtDd).toBe('20000101')
    await expect(collectStockMaster(krx, '2026-04-14', { delistedSince: '2026-05-01' })).rejects.toThrow(RangeError)
  })
})

describe('collectSectors', () => {
  it('asks KOSPI and KOSDAQ for the trade date and names each record’s market after the request', async () => {
    const krx = stubKrx(({ fields }) => [{ ISU_SRT_CD: fields.mktId === 'STK' ? '005930' : '035720', IDX_IND_NM: '전기전자', MKT_TP_NM: 'KOSDAQ GLOBAL', TDD_CLSPRC: '1,000' }])
    const batch = await collectSectors(krx, '2025-03-04')
    expect(krx.calls).toEqual([
      { bld: KRX_SCREENS.sectorClassification, fields: { trdDd: '20250304', mktId: 'STK' } },
      { bld: KRX_SCREENS.sectorClassification, fields: { trdDd: '20250304', mktId: 'KSQ' } },
    ])
    expect(batch.records.map((record) => record.values)).toEqual([
      { market: 'KOSPI', name: '전기전자', stock_code: '005930' },
      { market: 'KOSDAQ', name: '전기전자', stock_code: '035720' },
    ])
    expect(batch).toMatchObject({ dataset: 'sectors', requestCount: 2, nonTradingDay: false })
  })

  it('reports a closed market when every close is "-"', async () => {
    const batch = await collectSectors(stubKrx(() => [{ ISU_SRT_CD: '005930', IDX_IND_NM: '전기전자', TDD_CLSPRC: '-' }]), '2025-03-08')
    expect(batch).toMatchObject({ nonTradingDay: true, records: [] })
  })
})

describe('collectIndexComponents', () => {
  it('asks for KOSPI 200 and KOSDAQ 150 by default, one request each', async () => {
    const krx = stubKrx(() => [])
    const batch = await collectIndexComponents(krx, '2021-01-29')
    expect(krx.calls.map((call) => call.fields)).toEqual([
      { indIdx: '1', indIdx2: '028', trdDd: '20210129' },
      { indIdx: '2', indIdx2: '203', trdDd: '20210129' },
    ])
    expect(batch).toMatchObject({ dataset: 'index_components', requestCount: 2 })
  })

  it('follows the configured KRX_INDEXES', async () => {
    const config = loadConfig({ KRX_INDEXES: '1/001, 5/300' })
    expect(config.krxIndexes).toEqual(['1/001', '5/300'])
    const krx = stubKrx(({ fields }) => (fields.indIdx2 === '001' ? recordedRows('mdcstat00601-index-kospi-00') : []))
    const batch = await collectIndexComponents(krx, '2021-01-29', { indexes: config.krxIndexes })
    expect(krx.calls.map((call) => `${call.fields.indIdx}/${call.fields.indIdx2}`)).toEqual(['1/001', '5/300'])
    expect(batch.records).toHaveLength(796)
  })

  it('defaults KRX_INDEXES to KOSPI 200 and KOSDAQ 150 and names a malformed list', () => {
    expect(loadConfig({}).krxIndexes).toEqual(['1/028', '2/203'])
    expect(loadConfig({ KRX_INDEXES: '' }).krxIndexes).toEqual(['1/028', '2/203'])
    expect(() => loadConfig({ KRX_INDEXES: 'kospi200' })).toThrow(/KRX_INDEXES: must be comma-separated KRX index ids/)
    expect(loadConfig({}).naver).toEqual({ baseUrl: 'https://finance.naver.com', maxRequestsPerSecond: 2 })
  })
})

describe('collectEtfPortfolios', () => {
  const pdf = recordedRows('mdcstat05001-etf-pdf-152100-00')

  it('reads the day’s ETF list, then each ETF’s PDF by its ISIN', async () => {
    const krx = stubKrx(({ bld, fields }) => (bld === KRX_SCREENS.etfPrices ? ETF_LIST : fields.isuCd === 'KR7152100004' ? pdf : pdf.slice(0, 3)))
    const batch = await collectEtfPortfolios(krx, '2021-04-02')
    expect(krx.calls).toEqual([
      { bld: KRX_SCREENS.etfPrices, fields: { trdDd: '20210402', share: '1', money: '1' } },
      { bld: KRX_SCREENS.etfPortfolio, fields: { trdDd: '20210402', isuCd: 'KR7152100004' } },
      { bld: KRX_SCREENS.etfPortfolio, fields: { trdDd: '20210402', isuCd: 'KR7069500007' } },
    ])
    expect(batch).toMatchObject({ dataset: 'etf_portfolios', source: 'krx', nonTradingDay: false, requestCount: 3 })
    expect(batch.records).toHaveLength(201 + 3)
    expect(batch.records.filter((record) => record.values.etf_code === '069500')).toHaveLength(3)
  })

  it('limits the run to the ETFs asked for, and refuses one not listed that day', async () => {
    const krx = stubKrx(({ bld }) => (bld === KRX_SCREENS.etfPrices ? ETF_LIST : pdf))
    const batch = await collectEtfPortfolios(krx, '2021-04-02', { etfCodes: ['152100'] })
    expect(krx.calls).toHaveLength(2)
    expect(batch.records).toHaveLength(201)
    const failure = await collectEtfPortfolios(krx, '2021-04-02', { etfCodes: ['999990'] }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ConfigError)
    expect((failure as ConfigError).problems).toEqual(['etfCodes: 999990 is not an ETF listed on 2021-04-02'])
  })

  it('stops after the list on a closed day', async () => {
    const krx = stubKrx(() => ETF_LIST.map((row) => ({ ...row, TDD_CLSPRC: '-' })))
    expect(await collectEtfPortfolios(krx, '2021-04-03')).toMatchObject({ nonTradingDay: true, records: [], requestCount: 1 })
    expect(krx.calls).toHaveLength(1)
  })

  it('calls an ETF list without codes or ISINs a schema violation', async () => {
    const krx = stubKrx(() => [{ ISU_SRT_CD: '152100', TDD_CLSPRC: '1' }])
    await expect(collectEtfPortfolios(krx, '2021-04-02')).rejects.toThrow(SchemaViolationError)
  })
})
