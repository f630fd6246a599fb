import type { SourceCollectors, TradeDate } from '@kmd/core'
import type { KrxScreenFetcher } from '../client.ts'
import { collectEtfPortfolios } from './etf-portfolios.ts'
import { collectIndexComponents } from './index-components.ts'
import { collectInvestorTrading } from './investor-trading.ts'
import { collectOhlcvAndMarketCap, type OhlcvAndMarketCap } from './ohlcv-market-cap.ts'
import { collectSectors } from './sectors.ts'
import { collectStockMaster } from './stock-master.ts'

// How long one dataset's price-screen answer waits for the other dataset's job to claim it.
const SHARED_ANSWER_TTL_MS = 60_000

/**
 * What the KRX data portal collects, sharing one logged-in, paced client. OHLCV and market cap
 * come from the same screen (MDCSTAT01501): the answer fetched for one is handed to the other
 * once, if asked for within a minute, so a night's load asks KRX once per day while a later
 * re-run still fetches afresh. Only the latest answer is kept, so a long backfill holds one day.
 * `indexes`: the KRX index ids whose constituents are collected (KRX_INDEXES).
 */
export function krxCollectors(client: KrxScreenFetcher, options: { indexes?: readonly string[] } = {}): SourceCollectors {
  const unclaimed = new Map<TradeDate, { answer: Promise<OhlcvAndMarketCap>; waitingFor: 'ohlcv' | 'marketCap'; expiresAt: number }>()
  const priceScreen = (date: TradeDate, part: 'ohlcv' | 'marketCap'): Promise<OhlcvAndMarketCap> => {
    const pending = unclaimed.get(date)
    unclaimed.clear()
    if (pending?.waitingFor === part && pending.expiresAt > Date.now()) return pending.answer
    const answer = collectOhlcvAndMarketCap(client, date)
    unclaimed.set(date, { answer, waitingFor: part === 'ohlcv' ? 'marketCap' : 'ohlcv', expiresAt: Date.now() + SHARED_ANSWER_TTL_MS })
    // A failed fetch is not handed on: the other dataset's job tries again itself.
    answer.catch(() => unclaimed.get(date)?.answer === answer && unclaimed.delete(date))
    return answer
  }
  return {
    ohlcv_daily: async (date) => (await priceScreen(date, 'ohlcv')).ohlcv,
    market_cap_daily: async (date) => (await priceScreen(date, 'marketCap')).marketCap,
    investor_trading: (date) => collectInvestorTrading(client, date),
    stocks: (date) => collectStockMaster(client, date),
    sectors: (date) => collectSectors(client, date),
    index_components: (date) => collectIndexComponents(client, date, { indexes: options.indexes }),
    etf_portfolios: (date) => collectEtfPortfolios(client, date),
  }
}
