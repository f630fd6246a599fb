import type { CollectedBatch, TradeDate } from '@kmd/core'
import type { KrxRow, KrxScreenFetcher } from '../client.ts'
import { toKrxRequestDate } from '../parse.ts'
import { marketCapRecordOf, ohlcvRecordOf } from '../rows.ts'
import { KRX_SCREENS } from '../screens.ts'
import { isStandInRow } from '@kmd/core'

export interface OhlcvAndMarketCap {
  ohlcv: CollectedBatch<'ohlcv_daily'>
  marketCap: CollectedBatch<'market_cap_daily'>
}

/**
 * Daily prices and market caps of every stock in all three markets, from one MDCSTAT01501
 * request. Both batches report that one request in `requestCount`.
 */
export async function collectOhlcvAndMarketCap(client: KrxScreenFetcher, tradeDate: TradeDate): Promise<OhlcvAndMarketCap> {
  const rows = await client.fetchScreen(KRX_SCREENS.allStockPrices, {
    mktId: 'ALL',
    trdDd: toKrxRequestDate(tradeDate),
    share: '1',
    money: '1',
  })
  return ohlcvAndMarketCapFromRows(rows, tradeDate)
}

export async function collectOhlcvDaily(client: KrxScreenFetcher, tradeDate: TradeDate): Promise<CollectedBatch<'ohlcv_daily'>> {
  return (await collectOhlcvAndMarketCap(client, tradeDate)).ohlcv
}

export async function collectMarketCapDaily(client: KrxScreenFetcher, tradeDate: TradeDate): Promise<CollectedBatch<'market_cap_daily'>> {
  return (await collectOhlcvAndMarketCap(client, tradeDate)).marketCap
}

/** The batches for one MDCSTAT01501 answer; pure, so recorded answers can be checked directly. */
export function ohlcvAndMarketCapFromRows(rows: readonly KrxRow[], tradeDate: TradeDate): OhlcvAndMarketCap {
  const nonTradingDay = isNonTradingDayAnswer(rows)
  const tradedRows = nonTradingDay ? [] : rows
  const batch = { source: 'krx', tradeDate, nonTradingDay, requestCount: 1 } as const
  return {
    ohlcv: { ...batch, dataset: 'ohlcv_daily', records: tradedRows.map((row) => ohlcvRecordOf(row, tradeDate)) },
    marketCap: { ...batch, dataset: 'market_cap_daily', records: tradedRows.map((row) => marketCapRecordOf(row, tradeDate)) },
  }
}

/**
 * On a weekend or holiday KRX still lists every stock, with close "-". An empty answer is not
 * taken as a closed market: it is more likely a changed request format, which the row-count
 * check downstream should catch rather than this function explain away. Stand-ins for elements
 * that were not objects have no say: they neither make a closed day open nor, alone, closed.
 */
export function isNonTradingDayAnswer(rows: readonly KrxRow[]): boolean {
  const sent = rows.filter((row) => !isStandInRow(row))
  return sent.length > 0 && sent.every((row) => row.TDD_CLSPRC === '-')
}
