import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { validateBatch } from '../src/index.ts'
import { marks, newTarget, stage } from './staging.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

describe('market_cap_daily rules', () => {
  test('from KRX, which sends it to the won, a market cap one won off close x listed shares is rejected', async () => {
    const target = newTarget('market_cap_daily', '2024-01-01')
    await stage(db(), target, [
      { stock_code: '005930', close_price: 79600, shares_outstanding: 5969782550, market_cap: 475194690980000 },
      { stock_code: '000660', close_price: 100000, shares_outstanding: 1000, market_cap: 100000001 },
    ])
    await validateBatch(db(), target)
    const rows = await marks(db(), target)
    expect(rows.map((r) => r.validation_status)).toEqual(['valid', 'rejected'])
    expect(rows[1]!.reject_reasons).toEqual([
      'market_cap_identity: market_cap 100000001 differs from close 100000 x shares_outstanding 1000 = 100000000 by 1 (krx sends it to the won)',
    ])
  })

  test('from a source that rounds, a market cap off close x listed shares by more than 0.1% is rejected; within it is valid', async () => {
    const target = { ...newTarget('market_cap_daily', '2024-01-02'), source: 'infomax' }
    await stage(db(), target, [
      { stock_code: '005930', close_price: 79600, shares_outstanding: 5969782550, market_cap: 475194690980000 },
      { stock_code: '000660', close_price: 100000, shares_outstanding: 1000, market_cap: 100050000 },
      { stock_code: '035720', close_price: 100000, shares_outstanding: 1000, market_cap: 120000000 },
    ])

    const outcome = await validateBatch(db(), target)

    const rows = await marks(db(), target)
    expect(rows.map((r) => r.validation_status)).toEqual(['valid', 'valid', 'rejected'])
    expect(rows[2]!.reject_reasons).toEqual([
      'market_cap_identity: market_cap 120000000 differs from close 100000 x shares_outstanding 1000 = 100000000 by 20000000 (more than 0.1%)',
    ])
    expect(outcome.checks.find((c) => c.checkName === 'market_cap_identity')).toMatchObject({ threshold: 0.001, issueCount: 1, checkedCount: 3 })
  })

  test('a row without close is checked for signs only, and the message says so', async () => {
    const target = newTarget('market_cap_daily', '2024-01-03')
    await stage(db(), target, [
      { stock_code: '005930', close_price: null, shares_outstanding: 1000, market_cap: 5 },
      { stock_code: '000660', close_price: null, shares_outstanding: -1, market_cap: 5 },
    ])

    const outcome = await validateBatch(db(), target)

    const rows = await marks(db(), target)
    expect(rows.map((r) => r.reject_reasons)).toEqual([null, ['market_cap_identity: shares_outstanding -1 < 0']])
    expect(outcome.checks.find((c) => c.checkName === 'market_cap_identity')!.message).toContain(
      '2 rows without close not checked against close x shares_outstanding',
    )
  })

  test('a market-cap row without listed shares is rejected by schema', async () => {
    const target = newTarget('market_cap_daily', '2024-01-04')
    await stage(db(), target, [{ stock_code: '005930', close_price: 100, shares_outstanding: null, market_cap: 100 }])

    await validateBatch(db(), target)

    expect((await marks(db(), target))[0]!.reject_reasons).toEqual(['schema: missing shares_outstanding'])
  })
})
