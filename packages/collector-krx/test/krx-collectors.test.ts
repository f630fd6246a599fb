import { describe, expect, it } from 'vitest'
import {
  KRX_SCREENS,
  collectInvestorTrading,
  collectMarketCapDaily,
  collectOhlcvAndMarketCap,
  collectOhlcvDaily,
  type KrxRow,
  type KrxScreenFetcher,
} from '../src/index.ts'
import { recordedRows, stubKrx, type ScreenCall } from './fixtures.ts'


const prices = recordedRows('mdcstat01501-all-20210104-00')

/** What KRX answers for a weekend or holiday: every stock listed, prices "-". */
const closedMarketPrices = prices.map((row) => ({
  ...row,
  TDD_CLSPRC: '-',
  FLUC_TP_CD: '3',
  CMPPREVDD_PRC: '-',
  FLUC_RT: '-',
  TDD_OPNPRC: '-',
  TDD_HGPRC: '-',
  TDD_LWPRC: '-',
  ACC_TRDVOL: '-',
  ACC_TRDVAL: '-',
  MKTCAP: '-',
}))

describe('collectOhlcvAndMarketCap', () => {
  it('builds both daily batches from one all-market request in won and shares', async () => {
    const krx = stubKrx(() => prices)
    const { ohlcv, marketCap } = await collectOhlcvAndMarketCap(krx, '2021-01-04')

    expect(krx.calls).toEqual([{ bld: KRX_SCREENS.allStockPrices, fields: { mktId: 'ALL', trdDd: '20210104', share: '1', money: '1' } }])
    expect(ohlcv).toMatchObject({ dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2021-01-04', nonTradingDay: false, requestCount: 1 })
    expect(marketCap).toMatchObject({ dataset: 'market_cap_daily', source: 'krx', tradeDate: '2021-01-04', nonTradingDay: false, requestCount: 1 })
    expect(ohlcv.records).toHaveLength(2_531)
    expect(marketCap.records).toHaveLength(2_531)
    expect(ohlcv.records.every((record) => record.values.time === '2021-01-04')).toBe(true)
    expect(ohlcv.records[0]!.raw).toBe(prices[0])
  })

  it('reports a closed market when every close is "-", with no records', async () => {
    const { ohlcv, marketCap } = await collectOhlcvAndMarketCap(stubKrx(() => closedMarketPrices), '2021-01-03')
    expect(ohlcv).toMatchObject({ nonTradingDay: true, records: [] })
    expect(marketCap).toMatchObject({ nonTradingDay: true, records: [] })
  })

  it('does not take an empty answer for a closed market', async () => {
    const { ohlcv } = await collectOhlcvAndMarketCap(stubKrx(() => []), '2021-01-04')
    expect(ohlcv).toMatchObject({ nonTradingDay: false, records: [] })
  })

  it('offers each dataset on its own', async () => {
    expect((await collectOhlcvDaily(stubKrx(() => prices), '2021-01-04')).dataset).toBe('ohlcv_daily')
    expect((await collectMarketCapDaily(stubKrx(() => prices), '2021-01-04')).dataset).toBe('market_cap_daily')
  })
})

describe('collectInvestorTrading', () => {
  const individualsKospi = recordedRows('mdcstat02401-netbuy-0-00')
  const financialKospi = recordedRows('mdcstat02401-netbuy-1-00')
  const individualsKosdaq = recordedRows('mdcstat02401-netbuy-in_kosdaq-00')

  const recorded = ({ fields }: ScreenCall): KrxRow[] => {
    if (fields.mktId === 'STK' && fields.invstTpCd === '8000') return individualsKospi
    if (fields.mktId === 'STK' && fields.invstTpCd === '1000') return financialKospi
    if (fields.mktId === 'KSQ' && fields.invstTpCd === '8000') return individualsKosdaq
    return []
  }

  it('asks for the eleven leaf investor types in each of the three markets for one day', async () => {
    const krx = stubKrx(recorded)
    const batch = await collectInvestorTrading(krx, '2021-01-22')

    expect(krx.calls).toHaveLength(33)
    expect(new Set(krx.calls.map((call) => call.bld))).toEqual(new Set([KRX_SCREENS.investorTradingByStock]))
    expect(krx.calls.every((call) => call.fields.strtDd === '20210122' && call.fields.endDd === '20210122')).toBe(true)
    const asked = krx.calls.map((call) => `${call.fields.mktId}/${call.fields.invstTpCd}`)
    const codes = ['1000', '2000', '3000', '3100', '4000', '5000', '6000', '7100', '8000', '9000', '9001']
    expect(asked).toEqual(['STK', 'KSQ', 'KNX'].flatMap((market) => codes.map((code) => `${market}/${code}`)))

    expect(batch).toMatchObject({ dataset: 'investor_trading', source: 'krx', tradeDate: '2021-01-22', nonTradingDay: false, requestCount: 33 })
    expect(batch.records).toHaveLength(individualsKospi.length + financialKospi.length + individualsKosdaq.length)
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
  })

  it('gives one record per stock per investor type, under the canonical investor names', async () => {
    const batch = await collectInvestorTrading(stubKrx(recorded), '2021-01-22')
    const samsung = batch.records.filter((record) => record.values.stock_code === '005930')
    expect(samsung.map((record) => record.values.investor_type)).toEqual(['financial_investment', 'individual'])
    const keys = batch.records.map((record) => `${record.values.stock_code}/${record.values.investor_type}`)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('reports a closed market when no answer holds a single traded share', async () => {
    const idle = individualsKospi.map((row) => ({ ...row, ASK_TRDVOL: '0', BID_TRDVOL: '0', NETBID_TRDVOL: '0', ASK_TRDVAL: '0', BID_TRDVAL: '0', NETBID_TRDVAL: '0' }))
    expect(await collectInvestorTrading(stubKrx(() => idle), '2021-01-23')).toMatchObject({ nonTradingDay: true, records: [], requestCount: 33 })
    expect(await collectInvestorTrading(stubKrx(() => []), '2021-01-23')).toMatchObject({ nonTradingDay: true, records: [] })
  })

  it('leaves empty answers on a session day as an empty batch, not a closed market, for the pipeline to question', async () => {
    expect(await collectInvestorTrading(stubKrx(() => []), '2021-01-22')).toMatchObject({ nonTradingDay: false, records: [], requestCount: 33 })
  })
})
