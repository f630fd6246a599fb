import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { createLogger } from '@kmd/core'
import { KRX_SCREENS, rowsOf, type KrxScreenFetcher } from '@kmd/collector-krx'
import { useMigratedDatabase } from '@kmd/db/testing'
import { krxCollectors, runJob } from '../src/index.ts'

const testDb = useMigratedDatabase()

// The recorded MDCSTAT01501 answer of 2021-01-04 (2,531 rows), from <repo>/../shared/fixtures.
const FIXTURE = new URL('../../../../shared/fixtures/krx/mdcstat01501-all-20210104-00.json', import.meta.url)
const DAY = '2021-01-04'

/** KRX answering the price screen with the recorded day, row 17 replaced by the string "row". */
function krxWithOneBadElement(): KrxScreenFetcher {
  const answer = JSON.parse(JSON.parse(readFileSync(FIXTURE, 'utf8')).response.body) as { OutBlock_1: unknown[] }
  answer.OutBlock_1[17] = 'row'
  return { fetchScreen: async (bld) => (bld === KRX_SCREENS.allStockPrices ? rowsOf(answer, bld) : []) }
}

describe('a KRX answer with one element that is not an object', () => {
  test('that row is staged and rejected with its reason; the other 2,530 are promoted', async () => {
    const logger = createLogger({ level: 'silent' })
    const deps = { database: testDb.current.database, logger, collectors: { krx: krxCollectors(krxWithOneBadElement()) } }
    const result = await runJob(deps, { source: 'krx', dataset: 'ohlcv_daily', tradeDate: DAY })
    // PARTIAL for the one rejected row (the clean recorded day loads as SUCCESS).
    expect(result).toMatchObject({ status: 'PARTIAL', fetched: 2_531, rejected: 1, promoted: 2_530 })
    expect(result.failedChecks).toContain('schema')

    const rejected = (await testDb.current.database.db
      .selectFrom('staging.ohlcv_daily' as any)
      .select(['stock_code', 'reject_reasons', 'raw'])
      .where('batch_id', '=', result.batchId!)
      .where('validation_status', '=', 'rejected')
      .execute()) as Array<{ stock_code: string | null; reject_reasons: string[]; raw: Record<string, unknown> }>
    expect(rejected).toHaveLength(1)
    expect(rejected[0]!.stock_code).toBeNull()
    expect(rejected[0]!.raw).toEqual({ value: 'row' })
    expect(rejected[0]!.reject_reasons.join('\n')).toContain('row 17: not an object (got string "row")')
  })
})
