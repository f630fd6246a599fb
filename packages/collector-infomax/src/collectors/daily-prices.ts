import type { CollectedBatch, Logger, TradeDate } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { inGroups, splitDateRange, toInfomaxDate } from '../date-windows.ts'
import { INFOMAX_ENDPOINTS, MAX_HISTORY_DAYS } from '../endpoints.ts'
import { stockHistRecords } from '../tables/stock-hist.ts'
import { batchOf } from './batch.ts'

export interface InfomaxHistoryRequest {
  /** Six-character stock codes. */
  codes: readonly string[]
  from: TradeDate
  to: TradeDate
}

export interface InfomaxHistoryOptions {
  /** Codes per `/api/stock/hist` request (the endpoint takes a comma-separated list); default 20. */
  codesPerRequest?: number
  /** Days per request; default and maximum 30, the vendor's limit. */
  maxDaysPerRequest?: number
  logger?: Logger
}

export interface InfomaxDailyPrices {
  ohlcv: CollectedBatch<'ohlcv_daily'>
  marketCap: CollectedBatch<'market_cap_daily'>
}

const DEFAULT_CODES_PER_REQUEST = 20

/**
 * Daily prices and market caps of the given stocks over a range, from `/api/stock/hist`: the
 * range in windows of at most 30 days, the codes in groups, one request per window and group,
 * one after another (the client paces them). All windows' records go into one batch per dataset.
 */
export async function collectInfomaxDailyPrices(
  client: InfomaxFetcher,
  request: InfomaxHistoryRequest,
  options: InfomaxHistoryOptions = {},
): Promise<InfomaxDailyPrices> {
  if (request.codes.length === 0) throw new RangeError('no stock codes to collect daily prices for')
  const windows = splitDateRange(request.from, request.to, Math.min(options.maxDaysPerRequest ?? MAX_HISTORY_DAYS, MAX_HISTORY_DAYS))
  const groups = inGroups(request.codes, options.codesPerRequest ?? DEFAULT_CODES_PER_REQUEST)
  const ohlcv: InfomaxDailyPrices['ohlcv']['records'] = []
  const marketCap: InfomaxDailyPrices['marketCap']['records'] = []
  let requests = 0
  for (const window of windows) {
    for (const codes of groups) {
      const rows = await client.fetchRows(INFOMAX_ENDPOINTS.stockHist, {
        code: codes.join(','),
        startDate: toInfomaxDate(window.from),
        endDate: toInfomaxDate(window.to),
      })
      requests++
      rows.forEach((row, position) => {
        const records = stockHistRecords(row, position, client.fieldWatch)
        ohlcv.push(records.ohlcv)
        marketCap.push(records.marketCap)
      })
    }
  }
  options.logger?.debug({ source: 'infomax', endpoint: INFOMAX_ENDPOINTS.stockHist, requests, rows: ohlcv.length }, 'Infomax daily prices collected')
  return {
    ohlcv: batchOf('ohlcv_daily', request, ohlcv, requests),
    marketCap: batchOf('market_cap_daily', request, marketCap, requests),
  }
}
