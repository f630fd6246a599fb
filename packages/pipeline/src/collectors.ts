import { collectInvestorTrading, collectOhlcvAndMarketCap, createKrxClient, type KrxScreenFetcher, type OhlcvAndMarketCap } from '@kmd/collector-crawler'
import type { AppConfig, CollectedBatch, Dataset, Logger, SourceName, TradeDate } from '@kmd/core'

/** What the pipeline hands a collector besides the date: facts only the database knows. */
export interface CollectContext {
  /** Active stock codes, for sources that answer one stock per request (broker API, Naver). */
  stockCodes(): Promise<string[]>
}

/** Fetches and parses one partition; never touches the database. */
export type Collector = (tradeDate: TradeDate, context: CollectContext) => Promise<CollectedBatch>

/** The collectors a pipeline can call, per source and dataset. */
export type CollectorRegistry = Partial<Record<SourceName, Partial<Record<Dataset, Collector>>>>

// How long one dataset's price-screen answer waits for the other dataset's job to claim it.
const SHARED_ANSWER_TTL_MS = 60_000

/**
 * KRX data portal collectors sharing one logged-in, paced client. OHLCV and market cap come
 * from the same screen (MDCSTAT01501): the answer fetched for one is handed to the other once,
 * if asked for within a minute, so a night's load asks KRX once per day while a later re-run
 * still fetches afresh. Only the latest answer is kept, so a long backfill holds one day.
 */
export function krxCollectors(client: KrxScreenFetcher): Partial<Record<Dataset, Collector>> {
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
  }
}

/** Every source configured in this process; a source's client (session, pacing) is shared by its datasets. */
export function createCollectors(config: AppConfig, logger: Logger): CollectorRegistry {
  return {
    krx: krxCollectors(createKrxClient(config, { logger })),
  }
}
