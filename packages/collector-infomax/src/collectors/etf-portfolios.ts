import type { CollectedBatch, Logger, TradeDate } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { toInfomaxDate } from '../date-windows.ts'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { etfPortfolioRecord } from '../tables/etf-port.ts'
import { batchOf } from './batch.ts'

/** The portfolio deposit files of the given ETFs on one day, one `/api/stock/etf/port` request each. */
export async function collectInfomaxEtfPortfolios(
  client: InfomaxFetcher,
  request: { etfCodes: readonly string[]; date: TradeDate },
  options: { logger?: Logger } = {},
): Promise<CollectedBatch<'etf_portfolios'>> {
  const records: CollectedBatch<'etf_portfolios'>['records'] = []
  for (const code of request.etfCodes) {
    const rows = await client.fetchRows(INFOMAX_ENDPOINTS.etfPort, { code, date: toInfomaxDate(request.date), sort: 'value' })
    rows.forEach((row, position) => records.push(etfPortfolioRecord(row, position, client.fieldWatch)))
  }
  options.logger?.debug({ source: 'infomax', endpoint: INFOMAX_ENDPOINTS.etfPort, etfs: request.etfCodes.length, lines: records.length }, 'Infomax ETF portfolios collected')
  return batchOf('etf_portfolios', { from: request.date, to: request.date }, records, request.etfCodes.length)
}
