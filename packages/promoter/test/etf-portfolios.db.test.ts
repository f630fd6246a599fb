import { describe, expect, test } from 'vitest'
import type { EtfPortfolioValues } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { promoteBatch } from '../src/index.ts'
import { stageValidated } from './reference-batches.ts'

const testDb = useMigratedDatabase()
const database = () => testDb.current.database
const db = () => database().db

const line = (etf: string, day: string, values: Partial<EtfPortfolioValues>): EtfPortfolioValues => ({
  etf_code: etf,
  base_date: day,
  component_code: null,
  component_isin: null,
  component_name: null,
  component_market: null,
  security_group: null,
  shares: null,
  valuation_amount: null,
  component_amount: null,
  weight: null,
  ...values,
})

// KODEX 200선물인버스2X as KRX's PDF screen shows it: short futures, cash lines, no stocks.
const inverse = (day: string) => [
  line('252670', day, {
    component_code: 'KR4101R60000', component_isin: 'KR4101R60000', component_name: '코스피200 F 202106', component_market: 'DRV',
    security_group: 'FU', shares: '-93.00', valuation_amount: '-20150387500.00', component_amount: '-20150387500', weight: '-199.87',
  }),
  line('252670', day, {
    component_code: 'KRD010010001', component_isin: 'KRD010010001', component_name: '원화예금', component_amount: '9876543210.55', weight: '97.96',
  }),
  line('252670', day, { component_code: 'CASH00000001', component_isin: 'CASH00000001', component_name: '설정현금액', component_amount: '10081300000' }),
]

const equity = (day: string, lines: Array<[code: string, name: string, shares: string]>) =>
  lines.map(([code, name, shares]) =>
    line('152100', day, { component_code: code, component_isin: `KR7${code}003`, component_name: name, component_market: 'STK', security_group: 'ST', shares: shares, weight: '30.00' }),
  )

async function portfolio(etf: string, day: string) {
  return db()
    .selectFrom('etf_portfolios')
    .select(['component_code', 'component_isin', 'component_name', 'component_market', 'security_group', 'shares', 'valuation_amount', 'component_amount', 'weight', 'source'])
    .where('etf_code', '=', etf)
    .where('base_date', '=', day)
    .orderBy('component_code')
    .execute()
}

describe('etf_portfolios promotion', () => {
  test('a PDF with cash lines, a futures leg and negative CU shares loads faithfully, numbers exact', async () => {
    const target = await stageValidated(database(), 'etf_portfolios', '2021-04-02', inverse('2021-04-02'))

    const report = await promoteBatch(database(), target)

    expect(report).toMatchObject({ status: 'SUCCESS', valid: 3, promoted: 3, details: { lines_upserted: 3, lines_removed: 0 }, refreshedAggregates: [] })
    expect(await portfolio('252670', '2021-04-02')).toEqual([
      {
        component_code: 'CASH00000001', component_isin: 'CASH00000001', component_name: '설정현금액', component_market: null, security_group: null,
        shares: null, valuation_amount: null, component_amount: '10081300000.00', weight: null, source: 'krx',
      },
      {
        component_code: 'KR4101R60000', component_isin: 'KR4101R60000', component_name: '코스피200 F 202106', component_market: 'DRV', security_group: 'FU',
        shares: '-93.00', valuation_amount: '-20150387500.00', component_amount: '-20150387500.00', weight: '-199.8700', source: 'krx',
      },
      {
        component_code: 'KRD010010001', component_isin: 'KRD010010001', component_name: '원화예금', component_market: null, security_group: null,
        shares: null, valuation_amount: null, component_amount: '9876543210.55', weight: '97.9600', source: 'krx',
      },
    ])
    const log = await db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', target.runId).executeTakeFirstOrThrow()
    expect(log).toMatchObject({ status: 'SUCCESS', records_count: 3, records_promoted: 3 })
  })

  test('loading an ETF-day again replaces it: a dropped component disappears, other days and ETFs stay, an unchanged re-run writes nothing', async () => {
    const monday = equity('2021-04-05', [['005930', '삼성전자', '8140.00'], ['000660', 'SK하이닉스', '968.00'], ['035420', 'NAVER', '218.00']])
    await promoteBatch(database(), await stageValidated(database(), 'etf_portfolios', '2021-04-05', [...monday, ...inverse('2021-04-05')]))
    const friday = equity('2021-04-02', [['005930', '삼성전자', '8100.00']])
    await promoteBatch(database(), await stageValidated(database(), 'etf_portfolios', '2021-04-02', friday))

    const rebalanced = equity('2021-04-05', [['005930', '삼성전자', '8150.00'], ['000660', 'SK하이닉스', '968.00']])
    const report = await promoteBatch(database(), await stageValidated(database(), 'etf_portfolios', '2021-04-05', rebalanced))

    expect(report).toMatchObject({ promoted: 2, details: { lines_upserted: 1, lines_removed: 1 } })
    expect((await portfolio('152100', '2021-04-05')).map((r) => [r.component_code, r.shares])).toEqual([['000660', '968.00'], ['005930', '8150.00']])
    expect((await portfolio('152100', '2021-04-02')).map((r) => r.component_code)).toEqual(['005930'])
    expect(await portfolio('252670', '2021-04-05')).toHaveLength(3)

    const again = await promoteBatch(database(), await stageValidated(database(), 'etf_portfolios', '2021-04-05', rebalanced))
    expect(again).toMatchObject({ promoted: 0, details: { lines_upserted: 0, lines_removed: 0 } })
  })

  test('rejected lines are not promoted, and an ETF-day with no valid line is left as it was', async () => {
    const day = '2021-04-06'
    await promoteBatch(database(), await stageValidated(database(), 'etf_portfolios', day, inverse(day)))
    const lines = equity(day, [['005930', '삼성전자', '8140.00'], ['000660', 'SK하이닉스', '968.00']])

    const report = await promoteBatch(database(), await stageValidated(database(), 'etf_portfolios', day, [...lines, ...inverse(day)], { rejectedRows: [3, 4, 5] }))

    expect(report).toMatchObject({ status: 'PARTIAL', valid: 2, rejected: 3, promoted: 2 })
    expect(await portfolio('152100', day)).toHaveLength(2)
    expect(await portfolio('252670', day)).toHaveLength(3)
  })
})
