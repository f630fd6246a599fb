import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import type { CollectedBatch, OhlcvDailyValues } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { loadBatch, type LoadMethod } from '../src/index.ts'

const testDb = useMigratedDatabase()

// The recorded MDCSTAT01501 answer of 2021-01-04 (2,531 real rows), from <repo>/../shared/fixtures.
const FIXTURE = new URL('../../../../shared/fixtures/krx/mdcstat01501-all-20210104-00.json', import.meta.url)
const recordedRows = (): Array<Record<string, string>> => JSON.parse(JSON.parse(readFileSync(FIXTURE, 'utf8')).response.body).OutBlock_1

const plain = (text: string | undefined) => (text === undefined || text === '-' ? null : text.replace(/,/g, ''))

/** The recorded rows as ohlcv records, each keeping its KRX row as raw, none with a parse error yet. */
function recordedBatch(): CollectedBatch<'ohlcv_daily'> {
  const records = recordedRows().map((row) => {
    const values: OhlcvDailyValues = {
      stock_code: row.ISU_SRT_CD ?? null,
      time: '2021-01-04',
      open_price: plain(row.TDD_OPNPRC),
      high_price: plain(row.TDD_HGPRC),
      low_price: plain(row.TDD_LWPRC),
      close_price: plain(row.TDD_CLSPRC),
      volume: Number(plain(row.ACC_TRDVOL)),
      trading_value: Number(plain(row.ACC_TRDVAL)),
      change: null,
      change_rate: null,
    }
    return { values, raw: row as Record<string, unknown>, parseErrors: [] as string[] }
  })
  return { dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2021-01-04', records, nonTradingDay: false, requestCount: 1 }
}

async function staged(batchId: string) {
  return (await testDb.current.database.db
    .selectFrom('staging.ohlcv_daily' as any)
    .select(['row_number', 'stock_code', 'raw', 'parse_errors'])
    .where('batch_id', '=', batchId)
    .orderBy('row_number')
    .execute()) as Array<{ row_number: number; stock_code: string; raw: Record<string, unknown>; parse_errors: string[] | null }>
}

const target = () => ({ runId: randomUUID(), batchId: randomUUID(), partitionKey: '2021-01-04' })

describe.each<LoadMethod>(['copy', 'unnest'])('loadBatch (%s) with broken text', (method) => {
  test('a NUL in an unused field of one recorded row: every row loads, that one with the field named as its parse error', async () => {
    const batch = recordedBatch()
    const broken = batch.records[100]!
    const name = String(broken.raw.ISU_ABBRV)
    broken.raw = { ...broken.raw, ISU_ABBRV: `${name.slice(0, 1)}\u0000${name.slice(1)}` }
    const into = target()

    const result = await loadBatch(testDb.current.database, batch, into, { method })
    expect(result.rowCount).toBe(2_531)

    const rows = await staged(into.batchId)
    expect(rows).toHaveLength(2_531)
    expect(rows.filter((row) => row.parse_errors !== null).map((row) => [row.row_number, row.parse_errors])).toEqual([[101, ['ISU_ABBRV: contains NUL']]])
    // The raw copy keeps what KRX sent, the NUL spelt out as text.
    expect(rows[100]!.raw.ISU_ABBRV).toBe(`${name.slice(0, 1)}\\u0000${name.slice(1)}`)
    expect(rows[100]!.stock_code).toBe(broken.values.stock_code)
    expect(rows[0]!.raw).toEqual(batch.records[0]!.raw)
  })

  test('NUL in a value column, a lone surrogate and a broken key in raw: loaded, reported once each', async () => {
    const batch = recordedBatch()
    batch.records = batch.records.slice(0, 3)
    const [first, second, third] = batch.records
    first!.values.stock_code = '00\u00005930'
    first!.parseErrors = ['ISU_ABBRV: contains NUL']
    first!.raw = { ...first!.raw, ISU_ABBRV: 'A\u0000' }
    second!.raw = { ...second!.raw, SECT_TP_NM: 'x\uD800y' }
    third!.raw = { ...third!.raw, 'BAD\u0000KEY': '1' }
    const into = target()

    await loadBatch(testDb.current.database, batch, into, { method })
    const rows = await staged(into.batchId)
    expect(rows.map((row) => row.parse_errors)).toEqual([
      ['ISU_ABBRV: contains NUL', 'stock_code: contains NUL'],
      ['SECT_TP_NM: contains a lone surrogate (invalid Unicode)'],
      ['key "BAD\\u0000KEY": contains NUL'],
    ])
    expect(rows[0]!.stock_code).toBe('00\\u00005930')
    expect(rows[1]!.raw.SECT_TP_NM).toBe('x\\ud800y')
    expect(rows[2]!.raw['BAD\\u0000KEY']).toBe('1')
  })
})
