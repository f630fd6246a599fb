import type { CollectedBatch, TradeDate } from '@kmd/core'
import type { KrxRow, KrxScreenFetcher } from '../client.ts'
import { toKrxRequestDate } from '../parse.ts'
import { KRX_SCREENS } from '../screens.ts'
import { delistedStockRecordOf, stockRecordOf } from '../stock-master-rows.ts'

export interface StockMasterOptions {
  /** First delisting date to ask for; default one year before the trade date. */
  delistedSince?: TradeDate
}

/**
 * The stock master: every listed stock of KOSPI, KOSDAQ and KONEX as KRX lists it today
 * (MDCSTAT01901, `mktId=ALL`; the screen has no date), plus the stocks delisted between
 * `delistedSince` and the trade date (MDCSTAT23801) with their delisting date and reason.
 * One batch, two requests.
 */
export async function collectStockMaster(client: KrxScreenFetcher, tradeDate: TradeDate, options: StockMasterOptions = {}): Promise<CollectedBatch<'stocks'>> {
  const until = toKrxRequestDate(tradeDate)
  const since = toKrxRequestDate(options.delistedSince ?? oneYearBefore(tradeDate))
  if (since > until) throw new RangeError(`delistedSince ${options.delistedSince} is after the trade date ${tradeDate}`)

  const listed = await client.fetchScreen(KRX_SCREENS.stockMaster, { mktId: 'ALL', share: '1' })
  const delisted = await client.fetchScreen(KRX_SCREENS.delistedStocks, {
    mktId: 'ALL',
    isuCd: 'ALL',
    isuCd2: 'ALL',
    strtDd: since,
    endDd: until,
    share: '1',
  })
  return stockMasterFromRows(listed, delisted, tradeDate)
}

/** The batch for a master answer and a delisted-list answer; pure, so recordings can be checked directly. */
export function stockMasterFromRows(listed: readonly KrxRow[], delisted: readonly KrxRow[], tradeDate: TradeDate): CollectedBatch<'stocks'> {
  return {
    dataset: 'stocks',
    source: 'krx',
    tradeDate,
    records: [...listed.map(stockRecordOf), ...delisted.map(delistedStockRecordOf)],
    // The listing exists on any day; a closed market says nothing about it.
    nonTradingDay: false,
    requestCount: 2,
  }
}

function oneYearBefore(tradeDate: TradeDate): TradeDate {
  const date = new Date(`${tradeDate}T00:00:00Z`)
  date.setUTCFullYear(date.getUTCFullYear() - 1)
  return date.toISOString().slice(0, 10)
}
