import { beforeAll, describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { validateBatch } from '../src/index.ts'
import { floating, marksOf, seedStocks, stageReference } from './reference-staging.ts'

const testDb = useMigratedDatabase()
const database = () => testDb.current.database
const db = () => database().db

beforeAll(async () => {
  await seedStocks(db(), ['005930', '000660', '035720', '035420', '051910'])
})

describe('floating_shares rules', () => {
  test('rejects a ratio of 0 or above 100, floating above total, counts not positive and an unknown stock, each with its reason', async () => {
    const target = await stageReference(database(), 'floating_shares', '2024-04-01', [
      floating('005930', { total_shares: 5_969_782_550, floating_shares: 4_460_953_497, floating_ratio: '74.73' }),
      floating('000660', { floating_ratio: '0' }),
      floating('035720', { floating_ratio: '120' }),
      floating('035420', { total_shares: 500, floating_shares: 600, floating_ratio: '100' }),
      floating('051910', { total_shares: 0, floating_shares: 0, floating_ratio: '40' }),
      floating('999990'),
    ])

    const outcome = await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => [m.validation_status, m.reject_reasons])).toEqual([
      ['valid', null],
      ['rejected', ['floating_ratio_range: floating_ratio 0 is not in (0, 100]']],
      ['rejected', ['floating_ratio_range: floating_ratio 120 is not in (0, 100]']],
      ['rejected', ['floating_le_total: floating_shares 600 > total_shares 500']],
      ['rejected', ['floating_le_total: total_shares 0 is not positive', 'floating_le_total: floating_shares 0 is not positive']],
      ['rejected', ['known_stock: 999990 is not in stocks']],
    ])
    expect(outcome).toMatchObject({ validCount: 1, rejectedCount: 5 })
    expect(outcome.checks.find((c) => c.checkName === 'floating_ratio_range')).toMatchObject({
      severity: 'reject', threshold: 100, issueCount: 2,
      sample: [
        { key: '000660@2024-03-29', reason: 'floating_ratio_range: floating_ratio 0 is not in (0, 100]' },
        { key: '035720@2024-03-29', reason: 'floating_ratio_range: floating_ratio 120 is not in (0, 100]' },
      ],
    })
  })

  test('a ratio more than half a point off floating / total is kept with a warning', async () => {
    const target = await stageReference(database(), 'floating_shares', '2024-04-02', [
      floating('005930', { total_shares: 1_000, floating_shares: 352, floating_ratio: '35.5' }),
      floating('000660', { total_shares: 1_000, floating_shares: 352, floating_ratio: '40' }),
    ])

    const outcome = await validateBatch(db(), target)

    const rows = await marksOf(db(), target)
    expect(rows.map((m) => [m.validation_status, m.warnings])).toEqual([
      ['valid', null],
      ['valid', ['ratio_consistency: floating_ratio 40 differs from floating_shares / total_shares = 35.2% by 4.8 points (more than 0.5)']],
    ])
    expect(outcome.checks.find((c) => c.checkName === 'ratio_consistency')).toMatchObject({ severity: 'warn', passed: false, threshold: 0.5, issueCount: 1 })
    expect(outcome).toMatchObject({ validCount: 2, warnedCount: 1 })
  })

  test('two different copies of a stock and effective date are both rejected; another date of the same stock is its own row', async () => {
    const target = await stageReference(database(), 'floating_shares', '2024-04-03', [
      floating('005930'),
      floating('005930', { floating_ratio: '41', floating_shares: 410 }),
      floating('005930', { base_date: '2023-12-28' }),
      floating('005930', { stock_code: null, parseErrors: ['stock_code: missing'] }),
    ])

    await validateBatch(db(), target)

    expect((await marksOf(db(), target)).map((m) => m.reject_reasons)).toEqual([
      ['duplicate_key: conflicts with row 2 of the same key; all copies rejected'],
      ['duplicate_key: conflicts with row 1 of the same key; all copies rejected'],
      null,
      ['schema: unparsable stock_code: missing', 'schema: missing stock_code'],
    ])
  })
})
