import type { CollectedBatch, Logger, TradeDate } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { toInfomaxDate } from '../date-windows.ts'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { STOCK_EQUITY_TYPE, STOCK_MASTER_MARKETS } from '../tables/markets.ts'
import { STOCK_CODE_FIELDS, STOCK_EXPIRED_FIELDS, stockMasterRecord, type StockRowOutcome } from '../tables/stock-master.ts'
import { batchOf } from './batch.ts'
import { DEFAULT_CODE_LIST_CAP, fetchWholeCodeList } from './code-list.ts'

export interface InfomaxStockMasterRequest {
  /** The day the listing is taken as of (the batch's date). */
  asOf: TradeDate
  /** Delisted stocks are added when a delisting window is given (the vendor's default is the last 365 days). */
  delisted?: { from: TradeDate; to: TradeDate }
}

export interface InfomaxStockMasterOptions {
  /** Market codes to list; default 1, 2, 7, 8 (see tables/markets.ts). */
  markets?: readonly string[]
  /** Row cap of `/api/stock/code` answers; default 1,000. */
  codeListCap?: number
  logger?: Logger
}

/**
 * The stock master: ordinary shares (equity type ST) listed in each market, from
 * `/api/stock/code`, plus those delisted in a window, from `/api/stock/expired`, as `stocks`
 * records. Other security types (ETF, ETN, …) are left out.
 */
export async function collectInfomaxStocks(
  client: InfomaxFetcher,
  request: InfomaxStockMasterRequest,
  options: InfomaxStockMasterOptions = {},
): Promise<CollectedBatch<'stocks'>> {
  const records: CollectedBatch<'stocks'>['records'] = []
  const skipped = new Map<string, number>()
  const take = (outcome: StockRowOutcome) => {
    if (outcome.kind === 'record') records.push(outcome.record)
    else skipped.set(outcome.equityType, (skipped.get(outcome.equityType) ?? 0) + 1)
  }
  let requests = 0

  for (const market of options.markets ?? STOCK_MASTER_MARKETS) {
    const listed = await fetchWholeCodeList(client, { market, type: STOCK_EQUITY_TYPE }, options.codeListCap ?? DEFAULT_CODE_LIST_CAP)
    requests += listed.requests
    listed.rows.forEach((row, position) => take(stockMasterRecord(STOCK_CODE_FIELDS, row, position, client.fieldWatch)))
  }
  if (request.delisted) {
    const rows = await client.fetchRows(INFOMAX_ENDPOINTS.stockExpired, {
      type: STOCK_EQUITY_TYPE,
      startDate: toInfomaxDate(request.delisted.from),
      endDate: toInfomaxDate(request.delisted.to),
    })
    requests++
    rows.forEach((row, position) => take(stockMasterRecord(STOCK_EXPIRED_FIELDS, row, position, client.fieldWatch)))
  }

  options.logger?.debug(
    { source: 'infomax', requests, stocks: records.length, skippedEquityTypes: Object.fromEntries(skipped) },
    'Infomax stock master collected; other security types left out',
  )
  return batchOf('stocks', { from: request.asOf, to: request.asOf }, records, requests)
}

/** The codes of listed ordinary shares whose master rows read cleanly, sorted: what the history collectors ask for. */
export async function listInfomaxStockCodes(client: InfomaxFetcher, options: InfomaxStockMasterOptions = {}): Promise<string[]> {
  const today = new Date().toISOString().slice(0, 10)
  const batch = await collectInfomaxStocks(client, { asOf: today }, options)
  const codes = batch.records.filter((record) => record.parseErrors.length === 0).map((record) => record.values.stock_code!)
  return [...new Set(codes)].sort()
}

/** The codes of listed ETFs (equity type EF), sorted: what the ETF portfolio collector asks for. */
export async function listInfomaxEtfCodes(client: InfomaxFetcher, options: { codeListCap?: number } = {}): Promise<string[]> {
  const { rows } = await fetchWholeCodeList(client, { type: 'EF' }, options.codeListCap ?? DEFAULT_CODE_LIST_CAP)
  const codes = rows
    .map((row) => (row as { code?: unknown; equity_type?: unknown } | null) ?? {})
    .filter((row) => row.equity_type === 'EF' && typeof row.code === 'string' && /^[0-9A-Z]{6}$/.test(row.code))
    .map((row) => row.code as string)
  return [...new Set(codes)].sort()
}
