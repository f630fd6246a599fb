import type { CollectedBatch, Logger, TradeDate } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { inGroups, toInfomaxDate } from '../date-windows.ts'
import { DEFAULT_FLOATING_SHARES_SOURCE, floatingSharesFields, floatingSharesRecord, type FloatingSharesSource } from '../tables/floating-shares.ts'
import { batchOf } from './batch.ts'

/**
 * Free-float shares of the given stocks on one day, from the configured endpoint and field
 * (UNVERIFIED: by default a `floating_shares` field of `/api/stock/info`; see
 * tables/floating-shares.ts), codes in groups of `codesPerRequest` (default 20).
 */
export async function collectInfomaxFloatingShares(
  client: InfomaxFetcher,
  request: { codes: readonly string[]; date: TradeDate },
  options: { source?: Partial<FloatingSharesSource>; codesPerRequest?: number; logger?: Logger } = {},
): Promise<CollectedBatch<'floating_shares'>> {
  if (request.codes.length === 0) throw new RangeError('no stock codes to collect floating shares for')
  const table = floatingSharesFields({ ...DEFAULT_FLOATING_SHARES_SOURCE, ...options.source })
  const records: CollectedBatch<'floating_shares'>['records'] = []
  const groups = inGroups(request.codes, options.codesPerRequest ?? 20)
  for (const codes of groups) {
    const rows = await client.fetchRows(table.endpoint, { code: codes.join(','), date: toInfomaxDate(request.date) })
    rows.forEach((row, position) => records.push(floatingSharesRecord(table, row, position, client.fieldWatch)))
  }
  options.logger?.debug({ source: 'infomax', endpoint: table.endpoint, requests: groups.length, rows: records.length }, 'Infomax floating shares collected')
  return batchOf('floating_shares', { from: request.date, to: request.date }, records, groups.length)
}
