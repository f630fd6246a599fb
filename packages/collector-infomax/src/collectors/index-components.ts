import type { CollectedBatch, TradeDate } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { DEFAULT_INFOMAX_INDEXES, INFOMAX_INDEX_CODES, indexComponentRecord } from '../tables/index-constituents.ts'
import { batchOf } from './batch.ts'

export interface InfomaxIndexComponentsRequest {
  /**
   * The snapshot date of the records. `/api/index/constituents` takes no date and answers
   * today's constituents, so this should be today: a past date would be a false statement.
   */
  asOf: TradeDate
  /** Infomax index codes; default K2G01P (KOSPI 200) and Q5G01P (KOSDAQ 150). */
  indexCodes?: readonly string[]
  /** ISIN → stock code from the stock master, for constituents whose ISIN is not Korean. */
  stockCodeByIsin?: ReadonlyMap<string, string>
}

/** Constituents of each index, one request per index, as `index_components` snapshot records. */
export async function collectInfomaxIndexComponents(client: InfomaxFetcher, request: InfomaxIndexComponentsRequest): Promise<CollectedBatch<'index_components'>> {
  const indexCodes = request.indexCodes ?? DEFAULT_INFOMAX_INDEXES
  const unknown = indexCodes.filter((code) => !Object.hasOwn(INFOMAX_INDEX_CODES, code))
  if (unknown.length > 0) {
    throw new RangeError(`no KRX index id is known for Infomax index ${unknown.join(', ')}; add it to INFOMAX_INDEX_CODES first`)
  }
  const records: CollectedBatch<'index_components'>['records'] = []
  for (const code of indexCodes) {
    const rows = await client.fetchRows(INFOMAX_ENDPOINTS.indexConstituents, { code })
    rows.forEach((row, position) =>
      records.push(indexComponentRecord(row, position, INFOMAX_INDEX_CODES[code]!, request.asOf, request.stockCodeByIsin ?? new Map(), client.fieldWatch)),
    )
  }
  return batchOf('index_components', { from: request.asOf, to: request.asOf }, records, indexCodes.length)
}
