import { readFile } from 'node:fs/promises'
import type { CollectedBatch, TradeDate } from '@kmd/core'
import { FileImportError } from './file-import-error.ts'
import { parseFloatingSharesCsv } from './floating-shares-csv.ts'

/**
 * A floating-shares CSV file (format: `FLOATING_SHARES_COLUMNS`) as one `floating_shares` batch
 * from source `file`, dated `tradeDate` (the day of the import: each row carries its own
 * effective date). Every data row of the file becomes one record, a row that does not parse
 * included (with its parse errors), so the pipeline can count what the file held; a file that
 * cannot be read or parsed at all is a FileImportError.
 */
export async function collectFloatingSharesFile(file: string, tradeDate: TradeDate): Promise<CollectedBatch<'floating_shares'>> {
  const records = parseFloatingSharesCsv(await readCsv(file), file)
  return { dataset: 'floating_shares', source: 'file', tradeDate, records, nonTradingDay: false, requestCount: 0 }
}

async function readCsv(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new FileImportError(file, undefined, `cannot read the floating shares file (${reason})`, { cause: error })
  }
}
