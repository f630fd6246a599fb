import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { collectFloatingSharesFile, FileImportError, parseFloatingSharesCsv } from '../src/index.ts'

const HEADER = 'stock_code,base_date,total_shares,floating_shares,floating_ratio'
let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'kmd-collector-file-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('parseFloatingSharesCsv', () => {
  test('reads a spreadsheet\'s file (BOM, CRLF, columns in any order, grouped numbers, a % sign) into canonical records with their line', () => {
    const text = '\uFEFF' + ['floating_ratio,stock_code,total_shares,floating_shares,effective_date', '74.73%,005930,"5,969,782,550",4460953497,2024-03-29', '', '65.16,051910,70592343,,2024-03-29'].join('\r\n') + '\r\n'

    expect(parseFloatingSharesCsv(text, 'q1.csv')).toEqual([
      {
        values: { stock_code: '005930', base_date: '2024-03-29', total_shares: 5_969_782_550, floating_shares: 4_460_953_497, floating_ratio: '74.73' },
        raw: { line: 2, stock_code: '005930', base_date: '2024-03-29', total_shares: '5,969,782,550', floating_shares: '4460953497', floating_ratio: '74.73%' },
        parseErrors: [],
      },
      {
        values: { stock_code: '051910', base_date: '2024-03-29', total_shares: 70_592_343, floating_shares: null, floating_ratio: '65.16' },
        raw: { line: 4, stock_code: '051910', base_date: '2024-03-29', total_shares: '70592343', floating_shares: '', floating_ratio: '65.16' },
        parseErrors: [],
      },
    ])
  })

  test('a value that does not parse and a row of the wrong width stay rows, each with its parse errors', () => {
    const records = parseFloatingSharesCsv(`${HEADER}\n035420,2024-02-30,12a,1,x\n035420,2024-03-29,100,40\n`, 'typos.csv')

    expect(records.map((record) => record.parseErrors)).toEqual([
      ['base_date: not a calendar date ("2024-02-30")', 'total_shares: not a whole number ("12a")', 'floating_ratio: not a decimal number ("x")'],
      ['row: 4 fields where the header has 5'],
    ])
    expect(records[0]!.values).toMatchObject({ stock_code: '035420', base_date: null, total_shares: null, floating_shares: 1, floating_ratio: null })
  })

  test('what no row can carry stops the file with an error naming the file and line', () => {
    expect(() => parseFloatingSharesCsv('', 'blank.csv')).toThrow('blank.csv: empty file; expected the header')
    expect(() => parseFloatingSharesCsv(`${HEADER}\r\n`, 'empty.csv')).toThrow('empty.csv line 1: a header and no rows')
    expect(() => parseFloatingSharesCsv('stock_code,stock_code,total_shares,floating_shares,floating_ratio\n1,2,3,4,5\n', 'twice.csv')).toThrow(
      'twice.csv line 1: column stock_code named twice; expected the header',
    )
    expect(() => parseFloatingSharesCsv('stock_code,effective_date,total_shares,floating_shares\n1,2,3,4\n', 'short.csv')).toThrow('short.csv line 1: missing column floating_ratio')
    expect(() => parseFloatingSharesCsv(`${HEADER}\n005930,2024-03-29,1000,400,40\n000660,"2024-03-29,1000,400,40\n`, 'unclosed.csv')).toThrow(
      /unclosed\.csv line 3: not valid CSV: Quote Not Closed/,
    )
    const error = (() => {
      try {
        parseFloatingSharesCsv('', 'blank.csv')
      } catch (thrown) {
        return thrown
      }
    })()
    expect(error).toBeInstanceOf(FileImportError)
    expect(error).toMatchObject({ file: 'blank.csv', line: undefined, retryable: false })
  })
})

describe('collectFloatingSharesFile', () => {
  test('returns every data row of the file as one floating_shares batch from source file, dated as asked', async () => {
    const file = join(folder, 'one-bad.csv')
    await writeFile(file, `${HEADER}\n005930,2024-03-29,5969782550,4460953497,74.73\n000660,2024-03-29,lots,1,1\n`)

    const batch = await collectFloatingSharesFile(file, '2024-04-07')

    expect(batch).toMatchObject({ dataset: 'floating_shares', source: 'file', tradeDate: '2024-04-07', nonTradingDay: false, requestCount: 0 })
    expect(batch.records.map((record) => [record.values.stock_code, record.parseErrors])).toEqual([
      ['005930', []],
      ['000660', ['total_shares: not a whole number ("lots")']],
    ])
  })

  test('a file that cannot be read is a FileImportError naming it, not retryable', async () => {
    const missing = join(folder, 'nowhere.csv')
    await expect(collectFloatingSharesFile(missing, '2024-04-07')).rejects.toThrow(new FileImportError(missing, undefined, 'cannot read the floating shares file (no such file)'))
    await expect(collectFloatingSharesFile(missing, '2024-04-07')).rejects.toMatchObject({ retryable: false })
  })
})
