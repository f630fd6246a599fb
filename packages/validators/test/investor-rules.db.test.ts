import { describe, expect, test } from 'vitest'
import { INVESTOR_TYPES } from '@kmd/db'
import { useMigratedDatabase } from '@kmd/db/testing'
import { validateBatch } from '../src/index.ts'
import { marks, newTarget, stage, type StagedRow } from './staging.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

/** One row per investor group whose nets are given (volume; value = volume × price). */
function flows(stockCode: string, nets: Record<string, number>, price = 1000): StagedRow[] {
  return Object.entries(nets).map(([investor_type, net]) => ({
    stock_code: stockCode,
    investor_type,
    sell_volume: 1000,
    buy_volume: 1000 + net,
    net_buy_volume: net,
    sell_value: 1000 * price,
    buy_value: (1000 + net) * price,
    net_buy_value: net * price,
  }))
}

/** All eleven groups, netting to zero. */
const balanced = (): Record<string, number> => ({
  ...Object.fromEntries(INVESTOR_TYPES.map((type) => [type, 0])),
  individual: -300,
  foreign: 200,
  pension_fund: 60,
  financial_investment: 40,
})

describe('investor_trading rules', () => {
  test('a stock whose eleven groups net to zero is valid', async () => {
    const target = newTarget('investor_trading', '2024-01-02')
    await stage(db(), target, flows('005930', balanced()))

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: 11, rejectedCount: 0, batchFailed: false })
    expect(outcome.checks.map((c) => [c.checkName, c.passed])).toEqual([
      ['schema', true], ['out_of_range', true], ['duplicate_key', true], ['unknown_stock', true], ['net_identity', true], ['investor_zero_sum', true],
      ['calendar', true], ['row_count', true], ['cross_source_agreement', true], ['completeness', true],
    ])
  })

  test('missing groups count as zero in the zero-sum identity', async () => {
    const target = newTarget('investor_trading', '2024-01-03')
    await stage(db(), target, flows('005930', { individual: -100, foreign: 100 }))

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: 2, rejectedCount: 0 })
  })

  test("investor nets that do not sum to zero reject that stock's rows", async () => {
    const target = newTarget('investor_trading', '2024-01-04')
    await stage(db(), target, [...flows('005930', { ...balanced(), foreign: 250 }), ...flows('000660', balanced())])

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: 11, rejectedCount: 11 })
    const rows = await marks(db(), target)
    const samsung = rows.filter((r) => r.key === '005930')
    expect(new Set(samsung.map((r) => r.validation_status))).toEqual(new Set(['rejected']))
    expect(samsung[0]!.reject_reasons).toEqual(['investor_zero_sum: over 11 groups net_buy_volume sums to 50 and net_buy_value to 50000 (both must be 0)'])
    const zeroSum = outcome.checks.find((c) => c.checkName === 'investor_zero_sum')!
    expect(zeroSum).toMatchObject({ passed: false, threshold: 0, checkedCount: 22, issueCount: 11 })
    expect(zeroSum.sample).toEqual([{ key: '005930@2024-01-04', reason: samsung[0]!.reject_reasons![0] }])
    expect(zeroSum.message).toBe('1 stock whose nets do not sum to zero: all their 11 rows rejected')
  })

  test('a row whose net is not buy minus sell is rejected, and its stock with it', async () => {
    const target = newTarget('investor_trading', '2024-01-05')
    const rows = flows('005930', balanced())
    rows[0] = { ...rows[0], net_buy_volume: 41, sell_value: -5 }
    await stage(db(), target, rows)

    const outcome = await validateBatch(db(), target)

    const marked = await marks(db(), target)
    expect(marked[0]!.reject_reasons).toEqual([
      'net_identity: sell_value -5 < 0',
      'net_identity: net_buy_volume 41 != buy_volume 1040 - sell_volume 1000 (= 40)',
      'net_identity: net_buy_value 40000 != buy_value 1040000 - sell_value -5 (= 1040005)',
    ])
    // Without the rejected row the other ten no longer net to zero.
    expect(marked.slice(1).every((r) => r.reject_reasons?.[0]?.startsWith('investor_zero_sum: over 10 groups'))).toBe(true)
    expect(outcome).toMatchObject({ validCount: 0, rejectedCount: 11 })
  })

  test('an investor type that investor_types does not know is rejected by schema', async () => {
    const target = newTarget('investor_trading', '2024-01-08')
    await stage(db(), target, [...flows('005930', { individual: -100, retail: 100 })])

    await validateBatch(db(), target)

    const rows = await marks(db(), target)
    expect(rows[1]!.reject_reasons).toEqual(['schema: investor_type "retail" is not one of investor_types'])
    expect(rows[0]!.validation_status).toBe('rejected')
  })

  test('duplicate keys include the investor type; an identical copy collapses into the first', async () => {
    const target = newTarget('investor_trading', '2024-01-09')
    await stage(db(), target, [...flows('005930', { individual: -100, foreign: 100 }), ...flows('005930', { foreign: 100 })])

    const outcome = await validateBatch(db(), target)

    const rows = await marks(db(), target)
    expect(rows[2]!.reject_reasons).toEqual(['duplicate_key: identical copy of row 2'])
    expect(outcome.checks.find((c) => c.checkName === 'duplicate_key')!.sample).toEqual([
      { key: '005930/foreign@2024-01-09', reason: 'duplicate_key: identical copy of row 2' },
    ])
    expect(outcome).toMatchObject({ validCount: 2, rejectedCount: 0, duplicateCount: 1 })
  })

  test('values a source rounds to 백만원 pass within its rounding; the same misses from KRX are rejected', async () => {
    // Each group's value rounded to the million on its own: the nets miss zero by 1,000,000 won
    // in total and one row's net differs from buy − sell by a million, as in KIS's own example.
    const rounded = (): StagedRow[] =>
      flows('005930', balanced(), 1_000).map((row, i) =>
        i === 0 ? { ...row, net_buy_value: (row.net_buy_value as number) + 1_000_000, buy_value: (row.buy_value as number) + 1_000_000 } : i === 1 ? { ...row, net_buy_value: (row.net_buy_value as number) + 1_000_000 } : row,
      )
    const fromKis = { ...newTarget('investor_trading', '2024-01-08'), source: 'kis' }
    await stage(db(), fromKis, rounded())
    expect(await validateBatch(db(), fromKis)).toMatchObject({ validCount: 11, rejectedCount: 0 })

    const fromKrx = newTarget('investor_trading', '2024-01-09')
    await stage(db(), fromKrx, rounded())
    const outcome = await validateBatch(db(), fromKrx)
    expect(outcome.rejectedCount).toBe(11)
    expect(outcome.checks.find((c) => c.checkName === 'net_identity')!.issueCount).toBe(1)
  })
})

