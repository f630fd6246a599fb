import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import type { CanonicalRecord, CollectedStream, OhlcvMinuteValues } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { loadStream } from '../src/index.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

const STOCK_PARTS = 12
const BARS = 4_000

/** One stock's bars of 2026-11-20 as KIS-like records, each keeping its source row as raw. */
function stockPart(stock: number): Array<CanonicalRecord<OhlcvMinuteValues>> {
  const code = String(100_000 + stock)
  return Array.from({ length: BARS }, (_, i) => {
    const minute = `${String(9 + Math.floor((i % 380) / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`
    const raw = { stck_bsop_date: '20261120', stck_cntg_hour: `${minute.replace(':', '')}00`, stck_prpr: '71000', cntg_vol: String(i), FID_INPUT_ISCD: code }
    return {
      values: { stock_code: code, time: `2026-11-20T${minute}:00+09:00`, open_price: '71000', high_price: '71000', low_price: '71000', close_price: '71000', volume: i, trading_value: i * 71_000 },
      raw,
      parseErrors: [],
    }
  })
}

function streamOf(failAfterParts?: number): CollectedStream<'ohlcv_minute'> {
  async function* parts() {
    for (let stock = 0; stock < STOCK_PARTS; stock++) {
      if (stock === failAfterParts) throw new Error(`the source stopped answering after ${failAfterParts} stocks`)
      yield stockPart(stock)
    }
  }
  return { dataset: 'ohlcv_minute', source: 'kis', tradeDate: '2026-11-20', parts: parts(), requestCount: () => STOCK_PARTS * 4 }
}

const target = () => ({ runId: randomUUID(), batchId: randomUUID(), partitionKey: '2026-11-20' })

async function stagedOf(batchId: string) {
  const { rows } = await sql<{ rows: number; numbered: boolean; with_raw: number; status: string; row_count: number }>`
    select count(s.*)::int as rows, coalesce(max(s.row_number) = count(s.*), true) as numbered, count(s.raw)::int as with_raw,
           b.status, b.row_count
    from staging.batches b left join staging.ohlcv_minute s on s.batch_id = b.batch_id
    where b.batch_id = ${batchId}::uuid
    group by b.status, b.row_count`.execute(db())
  return rows[0]
}

describe('loadStream: a partition staged part by part as it arrives', () => {
  test('numbers rows on across parts, keeps every row’s raw, and counts the batch at the end', async () => {
    const into = target()
    const result = await loadStream(testDb.current.database, streamOf(), into)
    expect(result).toMatchObject({ batchId: into.batchId, rowCount: STOCK_PARTS * BARS, method: 'copy' })
    expect(await stagedOf(into.batchId)).toEqual({ rows: STOCK_PARTS * BARS, numbered: true, with_raw: STOCK_PARTS * BARS, status: 'loaded', row_count: STOCK_PARTS * BARS })
  })

  test('drops what a gap fill did not ask for before numbering', async () => {
    const into = target()
    const result = await loadStream(testDb.current.database, streamOf(), into, { keep: (record) => (record.values as OhlcvMinuteValues).stock_code === '100003' })
    expect(result.rowCount).toBe(BARS)
    expect(await stagedOf(into.batchId)).toMatchObject({ rows: BARS, numbered: true })
  })

  test('a source failing after rows were written leaves none of them: the batch is marked failed and the error goes on', async () => {
    const into = target()
    // Eleven stocks' rows are more than one COPY's worth: some were written before the failure.
    await expect(loadStream(testDb.current.database, streamOf(11), into)).rejects.toThrow('the source stopped answering after 11 stocks')
    expect(await stagedOf(into.batchId)).toEqual({ rows: 0, numbered: true, with_raw: 0, status: 'failed', row_count: 0 })
  })
})
