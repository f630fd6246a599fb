import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SourceUnavailableError } from '@kmd/core'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import {
  collectOhlcvAndMarketCap,
  collectStockMaster,
  createKrxClient,
  type KrxClientOptions,
} from '../src/index.ts'

const MEMBER = { id: 'hygiene-test', password: 'hygiene-password' }
const RECORDED_DAY = '2021-01-04' // MDCSTAT01501, served from the real recording (2,531 rows)
const MASTER_DAY = '2026-01-23' // MDCSTAT01901 mktId=ALL is the real recording (2,882 stocks)
const NON_ASCII = /[^\x00-\x7f]/

let simulator: RunningSimulator

beforeAll(async () => {
  // datelessRecordings: the stock master is KRX's real recording (2,882 stocks, real Korean names).
  simulator = await startSimulator({ members: { [MEMBER.id]: MEMBER.password }, stockCount: 300, datelessRecordings: true })
})
afterAll(() => simulator.stop())
beforeEach(() => simulator.faults.clear())

const krxClient = (options: KrxClientOptions = {}) =>
  createKrxClient(
    { krx: { baseUrl: simulator.url, memberId: MEMBER.id, memberPassword: MEMBER.password, maxRequestsPerSecond: 1_000 }, httpTimeoutMs: 5_000 },
    { retries: 2, minRetryDelayMs: 1, ...options },
  )

describe('KRX: broken text is a parse error of its row, never of the day', () => {
  it('a NUL in one recorded row’s unused ISU_ABBRV: that row carries `ISU_ABBRV: contains NUL`, all 2,531 rows are kept', async () => {
    simulator.faults.inject({ kind: 'nulInField', match: { bld: 'MDCSTAT01501' } })
    const { ohlcv, marketCap } = await collectOhlcvAndMarketCap(krxClient(), RECORDED_DAY)
    const [code] = simulator.faults.applied.at(-1)!.affectedCodes

    for (const batch of [ohlcv, marketCap]) {
      expect(batch.records).toHaveLength(2_531)
      const flagged = batch.records.filter((record) => record.parseErrors.length > 0)
      expect(flagged.map((record) => [record.values.stock_code, record.parseErrors])).toEqual([[code, ['ISU_ABBRV: contains NUL']]])
    }
    // The field was not one the record reads: its values are intact, the row is quarantined by its parse error.
    const broken = ohlcv.records.find((record) => record.values.stock_code === code)!
    expect(broken.values.close_price).not.toBeNull()
    expect(String(broken.raw.ISU_ABBRV)).toContain('\u0000')
  })

  it('an EUC-KR answer declared as charset=EUC-KR decodes every name exactly as the UTF-8 one', async () => {
    const normal = await collectStockMaster(krxClient(), MASTER_DAY)
    simulator.faults.inject({ kind: 'eucKrBody', match: { bld: 'MDCSTAT01901' } })
    const decoded = await collectStockMaster(krxClient(), MASTER_DAY)
    expect(simulator.faults.applied.at(-1)!.kind).toBe('eucKrBody')
    expect(decoded.records.length).toBeGreaterThan(2_800)
    expect(decoded.records.map((record) => record.values)).toEqual(normal.records.map((record) => record.values))
    expect(decoded.records.flatMap((record) => record.parseErrors)).toEqual(normal.records.flatMap((record) => record.parseErrors))
    expect(decoded.records.find((record) => record.values.stock_code === '005930')!.values.name).toBe('삼성전자보통주')
  })

  it.each(['eucKrBodyUndeclared', 'eucKrBodyMislabelled'] as const)(
    '%s: EUC-KR bytes read as UTF-8 give U+FFFD, so each row with Korean text is a parse error with its name null, never a new name',
    async (kind) => {
      const normal = await collectStockMaster(krxClient(), MASTER_DAY)
      simulator.faults.inject({ kind, match: { bld: 'MDCSTAT01901' } })
      const misread = await collectStockMaster(krxClient(), MASTER_DAY)
      const listed = (records: typeof normal.records) => records.filter((record) => record.values.delisting_date === null)
      const before = listed(normal.records)
      const after = listed(misread.records)

      expect(after).toHaveLength(before.length)
      expect(after.some((record) => record.values.name?.includes('\uFFFD') || record.values.short_name?.includes('\uFFFD'))).toBe(false)
      after.forEach((record, index) => {
        const hadKorean = Object.values(before[index]!.raw).some((value) => typeof value === 'string' && NON_ASCII.test(value))
        const replaced = record.parseErrors.filter((message) => message.includes('contains U+FFFD'))
        expect(replaced.length > 0).toBe(hadKorean)
      })
      const samsung = after.find((record) => record.values.stock_code === '005930')!
      expect(samsung.values.name).toBeNull()
      expect(samsung.parseErrors).toContain('ISU_NM: contains U+FFFD (undecodable bytes: a wrong charset or a damaged answer)')
    },
  )

  it('a duplicated OutBlock_1 key fails the request as malformed and retryable, naming the key', async () => {
    simulator.faults.inject({ kind: 'duplicateDataKey', match: { bld: 'MDCSTAT01501' } })
    const failure = await collectOhlcvAndMarketCap(krxClient({ retries: 0 }), RECORDED_DAY).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SourceUnavailableError)
    expect(failure).toMatchObject({ retryable: true })
    expect((failure as Error).message).toMatch(/malformed answer, duplicated key "OutBlock_1" at top level/)
  })

  it('a duplicated OutBlock_1 key or a truncated body once: the retry gets the whole day', async () => {
    for (const kind of ['duplicateDataKey', 'truncatedJson'] as const) {
      simulator.faults.inject({ kind, match: { bld: 'MDCSTAT01501' } })
      const { ohlcv } = await collectOhlcvAndMarketCap(krxClient(), RECORDED_DAY)
      expect(ohlcv.records).toHaveLength(2_531)
    }
  })

  it('an honestly empty OutBlock_1 is 0 records, not an error and not a closed market', async () => {
    simulator.faults.inject({ kind: 'emptyRows', match: { bld: 'MDCSTAT01501' } })
    const { ohlcv, marketCap } = await collectOhlcvAndMarketCap(krxClient(), RECORDED_DAY)
    expect([ohlcv.records.length, marketCap.records.length]).toEqual([0, 0])
    expect(ohlcv.nonTradingDay).toBe(false)
  })
})
