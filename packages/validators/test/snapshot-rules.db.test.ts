import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { validateBatch } from '../src/index.ts'
import { codes, etfLine, marksOf, member, stageReference } from './reference-staging.ts'

const testDb = useMigratedDatabase()
const database = () => testDb.current.database
const db = () => database().db

describe('index_components rules', () => {
  test('schema wants a KRX index code and the snapshot on the trade date; a member listed twice in identical copies keeps its first row', async () => {
    const target = await stageReference(database(), 'index_components', '2024-06-14', [
      member('1/028', '005930', '2024-06-14'),
      member('1/028', '005930', '2024-06-14'),
      member('KOSPI200', '000660', '2024-06-14'),
      member('2/203', '247540', '2024-06-13'),
    ])

    await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => m.reject_reasons)).toEqual([
      // KOSPI200 names no index we can tell, so no index of this batch is known complete.
      ['snapshot_complete: 1 rejected row has no usable index_code; no index of the batch is known complete'],
      ['duplicate_key: identical copy of row 1'],
      ['schema: index_code "KOSPI200" is not a KRX index code (market/index, e.g. 1/028)'],
      ['schema: snapshot_date 2024-06-13 is not the trade date 2024-06-14'],
    ])
  })

  test('an index with a rejected member is kept out whole; the other indexes of the batch stand', async () => {
    const target = await stageReference(database(), 'index_components', '2024-06-17', [
      member('1/028', '005930', '2024-06-17'),
      member('1/028', '00066', '2024-06-17'),
      member('1/028', '035420', '2024-06-17'),
      member('2/203', '247540', '2024-06-17'),
      member('2/203', '247540', '2024-06-17'),
    ])

    const outcome = await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => [m.validation_status, m.reject_reasons])).toEqual([
      ['rejected', ['snapshot_complete: index 1/028 has 1 rejected row; its snapshot is kept out whole']],
      ['rejected', ['schema: stock_code "00066" is not six digits or capital letters']],
      ['rejected', ['snapshot_complete: index 1/028 has 1 rejected row; its snapshot is kept out whole']],
      ['valid', null],
      // An identical copy of a member does not make its index incomplete: the first copy stays.
      ['duplicate', ['duplicate_key: identical copy of row 4']],
    ])
    expect(outcome.checks.find((c) => c.checkName === 'snapshot_complete')).toMatchObject({
      passed: false,
      issueCount: 2,
      sample: [{ key: '1/028', reason: 'snapshot_complete: index 1/028 has 1 rejected row; its snapshot is kept out whole' }],
      message: '1 index lost rows to earlier rules: their other 2 rows rejected too, so no partial snapshot reaches production',
    })
  })

  test('a rejected row that names no usable index keeps every index of the batch out', async () => {
    const target = await stageReference(database(), 'index_components', '2024-06-18', [
      member('1/028', '005930', '2024-06-18'),
      { ...member('1/028', '000660', '2024-06-18'), index_code: null },
    ])

    await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => m.reject_reasons![0])).toEqual([
      'snapshot_complete: 1 rejected row has no usable index_code; no index of the batch is known complete',
      'schema: missing index_code',
    ])
  })

  test('member_count warns per index beyond 10% of its open members in production, and says which', async () => {
    const kospi200 = codes(20, 100000)
    await db()
      .insertInto('index_components')
      .values(kospi200.map((stock_code) => ({ index_code: '1/028', stock_code, effective_date: '2024-01-02', source: 'test' })))
      .execute()
    const target = await stageReference(database(), 'index_components', '2024-06-19', [
      ...kospi200.slice(0, 17).map((code) => member('1/028', code, '2024-06-19')),
      member('2/203', '247540', '2024-06-19'),
    ])

    const outcome = await validateBatch(db(), target)

    expect(outcome.checks.find((c) => c.checkName === 'member_count')).toMatchObject({
      severity: 'warn',
      passed: false,
      threshold: 0.1,
      checkedCount: 2,
      issueCount: 1,
      sample: [{ key: '1/028', reason: 'member_count: 17 members vs 20 open in index_components (-15.0%)' }],
      message: '1 index of 1 beyond ±10% of their open members: 1/028; 1 index with no open members in production yet',
    })
    expect(outcome).toMatchObject({ validCount: 18, warnedCount: 0 })
  })
})

describe('etf_portfolios rules', () => {
  const DAY = '2021-04-02'

  test('cash lines without shares, a futures leg and negative shares per CU pass the schema', async () => {
    const target = await stageReference(database(), 'etf_portfolios', DAY, [
      etfLine('252670', DAY, {
        component_code: 'KR4101R60000', component_isin: 'KR4101R60000', component_name: '코스피200 F 202106', component_market: 'DRV',
        security_group: 'FU', shares: '-93.00', valuation_amount: '-20150000000', component_amount: '-20150000000', weight: null,
      }),
      etfLine('252670', DAY, {
        component_code: 'KRD010010001', component_isin: 'KRD010010001', component_name: '원화예금', component_market: null,
        security_group: null, shares: null, valuation_amount: null, component_amount: '10245000000', weight: null,
      }),
    ])

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: 2, rejectedCount: 0, warnedCount: 0 })
    expect(outcome.checks.find((c) => c.checkName === 'weight_sum')!.message).toBe(
      '0 ETFs of stocks and cash have stock weights summing to 100 ± 1; skipped 1 ETF with derivatives legs (their weights need not sum to 100): 252670@2021-04-02',
    )
  })

  test('weight_sum warns on the stock lines of an equity ETF whose weights miss 100 ± 1 and leaves cash lines alone', async () => {
    const cash = { component_code: 'KRD010010001', component_isin: 'KRD010010001', component_name: '원화예금', security_group: null, component_market: null, shares: null, weight: '0.65' }
    const target = await stageReference(database(), 'etf_portfolios', DAY, [
      etfLine('152100', DAY, { weight: '60.00' }),
      etfLine('152100', DAY, { component_code: '000660', component_isin: 'KR7000660001', component_name: 'SK하이닉스', weight: '39.35' }),
      etfLine('152100', DAY, cash),
      etfLine('069500', DAY, { weight: '60.00' }),
      etfLine('069500', DAY, { component_code: '000660', component_isin: 'KR7000660001', component_name: 'SK하이닉스', weight: '30.00' }),
      etfLine('069500', DAY, cash),
      etfLine('114260', DAY, { component_code: 'KR103502GA34', component_isin: 'KR103502GA34', component_name: '국고채권', security_group: 'BN', weight: '98' }),
    ])

    const outcome = await validateBatch(db(), target)

    const reason = 'weight_sum: the weights of 2 stock lines of 069500@2021-04-02 sum to 90, not 100 ± 1'
    expect((await marksOf(db(), target)).map((m) => m.warnings)).toEqual([null, null, null, [reason], [reason], null, null])
    expect(outcome.checks.find((c) => c.checkName === 'weight_sum')).toMatchObject({
      severity: 'warn',
      passed: false,
      threshold: 1,
      issueCount: 2,
      sample: [{ key: '069500@2021-04-02', reason }],
      message:
        '1 ETF of 2 have stock weights off 100 ± 1 (kept with a warning): 069500@2021-04-02; ' +
        'skipped 1 ETF holding components other than stocks and cash: 114260@2021-04-02',
    })
    expect(outcome).toMatchObject({ validCount: 7, warnedCount: 2 })
  })

  test('a PDF line without a component code or name, or a wrong etf code, rejects the ETF whole', async () => {
    const target = await stageReference(database(), 'etf_portfolios', DAY, [
      etfLine('102110', DAY),
      etfLine('102110', DAY, { component_code: '000660', component_name: '' }),
      etfLine('10211', DAY, { component_code: '035420' }),
    ])

    await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => m.reject_reasons)).toEqual([
      ['snapshot_complete: ETF 102110 has 1 rejected row; its snapshot is kept out whole'],
      ['schema: missing component_name'],
      ['schema: etf_code "10211" is not six digits or capital letters'],
    ])
  })
})

describe('sectors and market_calendar rules', () => {
  test('a sector of a stock the master does not know is kept with a warning', async () => {
    await db().insertInto('stocks').values({ stock_code: '005930', isin: 'KR7005930003', name: '삼성전자', market: 'KOSPI', source: 'test' }).execute()
    const target = await stageReference(database(), 'sectors', '2024-06-14', [
      { market: 'KOSPI', name: '전기전자', stock_code: '005930' },
      { market: 'KOSPI', name: '전기전자', stock_code: '999990' },
      { market: 'NYSE', name: '전기전자', stock_code: '000660' },
    ])

    const outcome = await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => [m.validation_status, m.reject_reasons, m.warnings])).toEqual([
      ['valid', null, null],
      ['valid', null, ['known_stock: 999990 is not in stocks']],
      ['rejected', ['schema: market "NYSE" is not one of KOSPI, KOSDAQ, KONEX'], ['known_stock: 000660 is not in stocks']],
    ])
    expect(outcome.checks.find((c) => c.checkName === 'known_stock')).toMatchObject({ severity: 'warn', passed: false, issueCount: 2 })
  })

  test('a weekend marked open is kept with a warning; a date listed twice with different values is rejected in both copies', async () => {
    const target = await stageReference(database(), 'market_calendar', '2024-06-01', [
      { trade_date: '2024-06-01', is_trading_day: true, holiday_name: null },
      { trade_date: '2024-06-02', is_trading_day: false, holiday_name: null },
      { trade_date: '2024-06-03', is_trading_day: true, holiday_name: null },
      { trade_date: '2024-06-03', is_trading_day: false, holiday_name: '?' },
      { trade_date: '2024-06-04', is_trading_day: null, holiday_name: null },
    ])

    const outcome = await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => [m.validation_status, m.reject_reasons ?? m.warnings])).toEqual([
      ['valid', ['weekend_open: 2024-06-01 is a Saturday marked as a trading day']],
      ['valid', null],
      ['rejected', ['duplicate_key: conflicts with row 4 of the same key; all copies rejected']],
      ['rejected', ['duplicate_key: conflicts with row 3 of the same key; all copies rejected']],
      ['rejected', ['schema: missing is_trading_day']],
    ])
    expect(outcome.checks.find((c) => c.checkName === 'weekend_open')).toMatchObject({
      severity: 'warn', passed: false, issueCount: 1, sample: [{ key: '2024-06-01', reason: 'weekend_open: 2024-06-01 is a Saturday marked as a trading day' }],
    })
  })
})
