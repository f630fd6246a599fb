import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { rulesFor, validateBatch } from '../src/index.ts'
import { checksOf, codes, marksOf, seedStocks, stageReference, stock } from './reference-staging.ts'

const testDb = useMigratedDatabase()
const database = () => testDb.current.database
const db = () => database().db

describe('stocks rules', () => {
  test('schema rejects a malformed code or ISIN, an unknown market, a blank name and values production cannot hold', async () => {
    const target = await stageReference(database(), 'stocks', '2024-04-01', [
      stock('005930'),
      stock('5930', { isin: 'KR7005930003' }),
      stock('000660', { isin: 'KR70006600' }),
      stock('035720', { market: 'kosdaq' }),
      stock('035420', { name: '  ' }),
      stock('051910', { listed_shares: -1 }),
      stock('006400', { parseErrors: ['listing_date: not a date ("2000-13-01")'], listing_date: null }),
    ])

    const outcome = await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => [m.row_number, m.reject_reasons])).toEqual([
      [1, null],
      [2, ['schema: stock_code "5930" is not six digits or capital letters']],
      [3, ['schema: isin "KR70006600" is not an ISIN (two letters, nine letters or digits, a check digit)']],
      [4, ['schema: market "kosdaq" is not one of KOSPI, KOSDAQ, KONEX']],
      [5, ['schema: missing name']],
      [6, ['schema: listed_shares -1 is negative']],
      [7, ['schema: unparsable listing_date: not a date ("2000-13-01")']],
    ])
    expect(outcome).toMatchObject({ validCount: 1, rejectedCount: 6, batchFailed: false })
    expect(outcome.checks.find((c) => c.checkName === 'schema')!.sample[0]).toEqual({
      key: '5930',
      reason: 'schema: stock_code "5930" is not six digits or capital letters',
    })
  })

  test('a stock code repeated with different values is rejected in both copies; a delisting before listing or after the snapshot is rejected', async () => {
    const target = await stageReference(database(), 'stocks', '2024-04-02', [
      stock('005930'),
      stock('005930', { name: '삼성전자 again' }),
      stock('000660', { listing_date: '2010-05-03', delisting_date: '2009-12-30', delisting_reason: '합병' }),
      stock('035720', { delisting_date: '2024-05-01', delisting_reason: '상장폐지 예정' }),
      stock('035420', { delisting_date: '2024-03-29', delisting_reason: '자진상장폐지' }),
    ])

    const outcome = await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => m.reject_reasons)).toEqual([
      ['duplicate_key: conflicts with row 2 of the same key; all copies rejected'],
      ['duplicate_key: conflicts with row 1 of the same key; all copies rejected'],
      ['delisting_consistency: delisting_date 2009-12-30 is before listing_date 2010-05-03'],
      ['delisting_consistency: delisting_date 2024-05-01 is after the snapshot date 2024-04-02'],
      null,
    ])
    expect(outcome.checks.find((c) => c.checkName === 'delisting_consistency')!.message).toBe(
      '2 rows of 5 have a delisting date before listing or after 2024-04-02; 3 rows delisted',
    )
  })

  test('an ISIN on two stock codes, in the batch or against production, is rejected', async () => {
    await seedStocks(db(), ['111110'])
    const held = stock('111110').isin!
    const target = await stageReference(database(), 'stocks', '2024-04-03', [
      stock('222220', { isin: 'KR7222220009' }),
      stock('222221', { isin: 'KR7222220009' }),
      stock('333330', { isin: held }),
      stock('444440'),
    ])

    await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => m.reject_reasons)).toEqual([
      ['isin_unique: ISIN KR7222220009 is on stock codes 222220, 222221 in the batch'],
      ['isin_unique: ISIN KR7222220009 is on stock codes 222220, 222221 in the batch'],
      [`isin_unique: ISIN ${held} belongs to 111110 in stocks`],
      null,
    ])
  })

  test('row_count warns when the listed stocks differ from the active ones in production by more than 5%, per market', async () => {
    // KONEX here, so the KOSPI stocks other tests of this file put in production stay out of scope.
    const konex = codes(40, 500000)
    await seedStocks(db(), konex, { market: 'KONEX' })
    await seedStocks(db(), codes(30, 600000), { market: 'KOSDAQ' })
    // 37 of 40 KONEX stocks (-7.5%); the KOSDAQ stocks are not in this batch's scope.
    const short = await stageReference(database(), 'stocks', '2024-04-04', konex.slice(0, 37).map((code) => stock(code, { market: 'KONEX' })))
    const warned = await validateBatch(db(), short)
    const rowCount = warned.checks.find((c) => c.checkName === 'row_count')!
    expect(rowCount).toMatchObject({ severity: 'warn', passed: false, threshold: 0.05, checkedCount: 37, issueCount: 3 })
    expect(rowCount.message).toBe('batch lists 37 active stocks vs 40 active in stocks (KONEX, -7.5%), beyond ±5%')
    expect(rowCount.sample.map((s) => s.key)).toEqual(konex.slice(37))
    expect(rowCount.sample[0]!.reason).toBe('row_count: active in stocks, missing from the batch')
    expect(warned.validCount).toBe(37)

    // 39 listed + 1 delisted row: the delisted one is not counted as listed (-2.5%).
    const close = await stageReference(database(), 'stocks', '2024-04-05', [
      ...konex.slice(0, 39).map((code) => stock(code, { market: 'KONEX' })),
      stock(konex[39]!, { market: 'KONEX', delisting_date: '2024-04-05', delisting_reason: '감자' }),
    ])
    expect((await validateBatch(db(), close)).checks.find((c) => c.checkName === 'row_count')).toMatchObject({
      passed: true,
      message: 'batch lists 39 active stocks vs 40 active in stocks (KONEX, -2.5%)',
    })
  })

  test('writes one data_quality_checks row per rule of the stocks rule set', async () => {
    const target = await stageReference(database(), 'stocks', '2024-04-08', [stock('777770'), stock('777770')])
    const outcome = await validateBatch(db(), target)
    const rows = await checksOf(db(), target.runId)
    expect(rows.map((r) => r.check_type)).toEqual(['schema', 'out_of_range', 'duplicate_key', 'delisting_consistency', 'isin_unique', 'row_count'])
    expect(rows.map((r) => r.check_type)).toEqual(outcome.checks.map((c) => c.checkName))
    expect(rows.find((r) => r.check_type === 'duplicate_key')).toMatchObject({
      table_name: 'stocks', partition_key: '2024-04-08', severity: 'reject', passed: false, checked_count: 2, issue_count: 1,
      details: [{ key: '777770', reason: 'duplicate_key: identical copy of row 1' }],
    })
  })
})

describe('reference rule sets', () => {
  test('name each rule with its severity and threshold', () => {
    const table = (dataset: Parameters<typeof rulesFor>[0]) => rulesFor(dataset).map((r) => [r.name, r.severity, r.threshold])
    expect(table('stocks')).toEqual([
      ['schema', 'reject', null],
      ['out_of_range', 'reject', null],
      ['duplicate_key', 'reject', null],
      ['delisting_consistency', 'reject', null],
      ['isin_unique', 'reject', null],
      ['row_count', 'warn', 0.05],
    ])
    expect(table('sectors')).toEqual([['schema', 'reject', null], ['out_of_range', 'reject', null], ['duplicate_key', 'reject', null], ['known_stock', 'warn', null]])
    expect(table('index_components')).toEqual([
      ['schema', 'reject', null],
      ['out_of_range', 'reject', null],
      ['duplicate_key', 'reject', null],
      ['snapshot_complete', 'reject', null],
      ['member_count', 'warn', 0.1],
    ])
    expect(table('floating_shares')).toEqual([
      ['schema', 'reject', null],
      ['out_of_range', 'reject', null],
      ['duplicate_key', 'reject', null],
      ['floating_ratio_range', 'reject', 100],
      ['floating_le_total', 'reject', null],
      ['known_stock', 'reject', null],
      ['ratio_consistency', 'warn', 0.5],
    ])
    expect(table('etf_portfolios')).toEqual([
      ['schema', 'reject', null],
      ['out_of_range', 'reject', null],
      ['duplicate_key', 'reject', null],
      ['snapshot_complete', 'reject', null],
      ['weight_sum', 'warn', 1],
    ])
    expect(table('market_calendar')).toEqual([['schema', 'reject', null], ['out_of_range', 'reject', null], ['duplicate_key', 'reject', null], ['weekend_open', 'warn', null]])
    for (const dataset of ['stocks', 'sectors', 'index_components', 'floating_shares', 'etf_portfolios', 'market_calendar'] as const) {
      for (const rule of rulesFor(dataset)) expect(rule.description).not.toContain('\n')
    }
  })
})
