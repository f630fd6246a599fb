import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLogger } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { importFloatingShares, type ImportRequest } from '../src/index.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db
const logger = createLogger({ level: 'silent' })
let folder: string

const HEADER = 'stock_code,base_date,total_shares,floating_shares,floating_ratio'
const DAY = '2024-04-01'

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'kmd-import-'))
  await db()
    .insertInto('stocks')
    .values(['005930', '000660', '035720', '035420', '051910'].map((code, i) => ({ stock_code: code, isin: `KR7${code}00${i}`, name: code, market: 'KOSPI' as const, source: 'test' })))
    .execute()
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

async function csvFile(name: string, content: string): Promise<string> {
  const path = join(folder, name)
  await writeFile(path, content)
  return path
}

const runImport = (file: string, options: Partial<ImportRequest> = {}) => importFloatingShares({ database: testDb.current.database, logger }, { file, importDate: DAY, ...options })

async function logOf(runId: string) {
  return db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', runId).executeTakeFirstOrThrow()
}

describe('importFloatingShares', () => {
  test('promotes the good rows and quarantines ratio 0, ratio 120, floating > total and an unknown stock with their reasons', async () => {
    // Written by a spreadsheet: a BOM and CRLF line ends.
    const file = await csvFile(
      'floating-2024q1.csv',
      '\uFEFF' +
        [
          HEADER,
          '005930,2024-03-29,"5,969,782,550",4460953497,74.73',
          '000660,2024-03-29,728002365,0,0',
          '035720,2024-03-29,445000000,400000000,120',
          '035420,2024-03-29,160000000,170000000,100',
          '999990,2024-03-29,1000,400,40',
          '051910,2024-03-29,70592343,46000000,65.16%',
        ].join('\r\n') +
        '\r\n',
    )

    const result = await runImport(file)

    expect(result).toMatchObject({
      status: 'PARTIAL', rows: 6, valid: 2, rejected: 4, promoted: 2, partitionKey: `floating-2024q1.csv@${DAY}`, message: undefined,
    })
    expect(result.quarantined).toEqual([
      {
        line: 3, stockCode: '000660', baseDate: '2024-03-29',
        reasons: ['floating_ratio_range: floating_ratio 0 is not in (0, 100]', 'floating_le_total: floating_shares 0 is not positive'],
      },
      { line: 4, stockCode: '035720', baseDate: '2024-03-29', reasons: ['floating_ratio_range: floating_ratio 120 is not in (0, 100]'] },
      { line: 5, stockCode: '035420', baseDate: '2024-03-29', reasons: ['floating_le_total: floating_shares 170000000 > total_shares 160000000'] },
      { line: 6, stockCode: '999990', baseDate: '2024-03-29', reasons: ['known_stock: 999990 is not in stocks'] },
    ])
    const promoted = await db().selectFrom('floating_shares').select(['stock_code', 'total_shares', 'floating_shares', 'floating_ratio', 'source']).orderBy('stock_code').execute()
    expect(promoted).toEqual([
      { stock_code: '005930', total_shares: 5_969_782_550, floating_shares: 4_460_953_497, floating_ratio: '74.7300', source: 'file' },
      { stock_code: '051910', total_shares: 70_592_343, floating_shares: 46_000_000, floating_ratio: '65.1600', source: 'file' },
    ])
    expect(await logOf(result.runId)).toMatchObject({
      data_type: 'floating_shares', source: 'file', partition_key: `floating-2024q1.csv@${DAY}`, collection_date: DAY, status: 'PARTIAL',
      records_fetched: 6, records_staged: 6, records_count: 2, records_rejected: 4, records_promoted: 2,
    })
    const checks = await db().selectFrom('data_quality_checks').select(['check_type', 'passed', 'issue_count']).where('run_id', '=', result.runId).orderBy('id').execute()
    expect(checks.map((c) => [c.check_type, c.passed, c.issue_count])).toEqual([
      ['schema', true, 0],
      ['out_of_range', true, 0],
      ['duplicate_key', true, 0],
      ['floating_ratio_range', false, 2],
      ['floating_le_total', false, 2],
      ['known_stock', false, 1],
      ['ratio_consistency', true, 0],
    ])
  })

  test('on a Sunday, a file with one bad line lands the good rows, quarantines the bad one with its reason, and is not SUCCESS', async () => {
    const sunday = '2024-04-07'
    const file = await csvFile('one-bad-line.csv', `${HEADER}\n035420,2024-04-05,164000000,120000000,73.17\n000660,2024-04-05,728002365,many,55\n035720,2024-04-05,445000000,200000000,44.94\n`)

    const result = await runImport(file, { importDate: sunday })

    expect(result).toMatchObject({ status: 'PARTIAL', rows: 3, valid: 2, rejected: 1, promoted: 2, partitionKey: `one-bad-line.csv@${sunday}` })
    expect(result.quarantined).toEqual([
      { line: 3, stockCode: '000660', baseDate: '2024-04-05', reasons: ['schema: unparsable floating_shares: not a whole number ("many")', 'schema: missing floating_shares'] },
    ])
    const landed = await db().selectFrom('floating_shares').select('stock_code').where('base_date', '=', '2024-04-05').orderBy('stock_code').execute()
    expect(landed.map((row) => row.stock_code)).toEqual(['035420', '035720'])
    expect(await logOf(result.runId)).toMatchObject({
      data_type: 'floating_shares', source: 'file', partition_key: `one-bad-line.csv@${sunday}`, collection_date: sunday, status: 'PARTIAL',
      records_fetched: 3, records_count: 2, records_rejected: 1, records_promoted: 2,
    })
  })

  test('importing the same file again changes nothing in production and logs one more run', async () => {
    const file = await csvFile('again.csv', `${HEADER}\n035720,2023-12-28,445000000,200000000,44.94\n`)
    const first = await runImport(file)
    const second = await runImport(file)

    expect(first).toMatchObject({ status: 'SUCCESS', valid: 1, promoted: 1 })
    expect(second).toMatchObject({ status: 'SUCCESS', valid: 1, promoted: 0 })
    expect(second.runId).not.toBe(first.runId)
  })

  test('values that do not parse and rows of the wrong width are quarantined with the parse error', async () => {
    const file = await csvFile('typos.csv', `${HEADER}\n035420,2024-3-29,12a,1,x\n035420,2024-03-29,100,40\n`)

    const result = await runImport(file)

    expect(result).toMatchObject({ status: 'PARTIAL', valid: 0, rejected: 2, promoted: 0, message: 'no row passed validation: nothing was promoted' })
    expect(result.quarantined.map((row) => [row.line, row.reasons[0]])).toEqual([
      [2, 'schema: unparsable base_date: not a date as YYYY-MM-DD ("2024-3-29"); total_shares: not a whole number ("12a"); floating_ratio: not a decimal number ("x")'],
      [3, 'schema: unparsable row: 4 fields where the header has 5'],
    ])
  })

  test('a missing file fails with an error naming it, logged FAILED', async () => {
    const missing = join(folder, 'nowhere.csv')

    const result = await runImport(missing)

    expect(result).toMatchObject({ status: 'FAILED', batchId: undefined, message: `${missing}: cannot read the floating shares file (no such file)` })
    expect(await logOf(result.runId)).toMatchObject({ status: 'FAILED', source: 'file', error_message: result.message, error_detail: { type: 'FileImportError', retryable: false } })
  })

  test('a malformed file fails with an error naming the file and line', async () => {
    const unclosed = await runImport(await csvFile('unclosed.csv', `${HEADER}\n005930,2024-03-29,1000,400,40\n000660,"2024-03-29,1000,400,40\n`))
    expect(unclosed).toMatchObject({ status: 'FAILED' })
    expect(unclosed.message).toMatch(/unclosed\.csv line 3: not valid CSV: Quote Not Closed/)

    const header = await runImport(await csvFile('header.csv', 'code,base_date,total_shares,floating_shares,floating_ratio\n005930,2024-03-29,1000,400,40\n'))
    expect(header.message).toBe(
      `${join(folder, 'header.csv')} line 1: unknown column "code"; expected the header stock_code,base_date,total_shares,floating_shares,floating_ratio`,
    )
    const empty = await runImport(await csvFile('empty.csv', `${HEADER}\r\n`))
    expect([empty.status, empty.message]).toEqual(['FAILED', `${join(folder, 'empty.csv')} line 1: a header and no rows`])
    // Nothing of a failed file reaches production.
    expect(await db().selectFrom('floating_shares').select('stock_code').where('stock_code', '=', '000660').execute()).toEqual([])
  })
})
