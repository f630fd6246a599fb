import type { CollectedBatch, Logger } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { splitDateRange, toInfomaxDate } from '../date-windows.ts'
import { INFOMAX_ENDPOINTS, MAX_HISTORY_DAYS } from '../endpoints.ts'
import { stockInvestorRecord } from '../tables/stock-investor.ts'
import { batchOf } from './batch.ts'
import type { InfomaxHistoryRequest } from './daily-prices.ts'

/**
 * Buy/sell volumes and values by investor group of the given stocks over a range, from
 * `/api/stock/investor`: one request per stock and window of at most 30 days, every investor
 * label at once (no `investor` filter). Values arrive in 천원 and leave in 원; aggregate labels
 * (기관계, 외국인합) and 정부 are not stored (see tables/investor-labels.ts).
 */
export async function collectInfomaxInvestorTrading(
  client: InfomaxFetcher,
  request: InfomaxHistoryRequest,
  options: { maxDaysPerRequest?: number; logger?: Logger } = {},
): Promise<CollectedBatch<'investor_trading'>> {
  if (request.codes.length === 0) throw new RangeError('no stock codes to collect investor flows for')
  const windows = splitDateRange(request.from, request.to, Math.min(options.maxDaysPerRequest ?? MAX_HISTORY_DAYS, MAX_HISTORY_DAYS))
  const records: CollectedBatch<'investor_trading'>['records'] = []
  const skipped = new Map<string, number>()
  let requests = 0
  for (const window of windows) {
    for (const code of request.codes) {
      const rows = await client.fetchRows(INFOMAX_ENDPOINTS.stockInvestor, {
        code,
        startDate: toInfomaxDate(window.from),
        endDate: toInfomaxDate(window.to),
      })
      requests++
      rows.forEach((row, position) => {
        const outcome = stockInvestorRecord(row, position, client.fieldWatch)
        if (outcome.kind === 'record') records.push(outcome.record)
        else skipped.set(outcome.label, (skipped.get(outcome.label) ?? 0) + 1)
      })
    }
  }
  options.logger?.debug(
    { source: 'infomax', endpoint: INFOMAX_ENDPOINTS.stockInvestor, requests, rows: records.length, skippedLabels: Object.fromEntries(skipped) },
    'Infomax investor flows collected; aggregate labels not stored',
  )
  return batchOf('investor_trading', request, records, requests)
}
