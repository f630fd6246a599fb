import type { CollectedBatch, DayGrainDataset, Logger, TradeDate } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { collectInfomaxDailyPrices, type InfomaxDailyPrices, type InfomaxHistoryOptions } from './daily-prices.ts'
import { collectInfomaxInvestorTrading } from './investor-trading.ts'
import { listInfomaxStockCodes, type InfomaxStockMasterOptions } from './stock-master.ts'

export type InfomaxDailyCollector<D extends DayGrainDataset> = (tradeDate: TradeDate) => Promise<CollectedBatch<D>>

export interface InfomaxDailyCollectorOptions extends InfomaxHistoryOptions {
  /** The stocks to collect; default every listed ordinary share of the master, listed once per process. */
  codes?: () => Promise<readonly string[]>
  master?: InfomaxStockMasterOptions
  logger?: Logger
}

/**
 * One-day collectors in the shape the pipeline's registry takes (`(tradeDate) => batch`).
 * OHLCV and market cap come from the same `/api/stock/hist` answers: the answer fetched for
 * one is handed to the other once, so a night's load asks once per day.
 */
export function infomaxDailyCollectors(
  client: InfomaxFetcher,
  options: InfomaxDailyCollectorOptions = {},
): { [D in DayGrainDataset]: InfomaxDailyCollector<D> } {
  let codes: Promise<readonly string[]> | undefined
  const stockCodes = () => {
    codes ??= (options.codes ?? (() => listInfomaxStockCodes(client, { ...options.master, logger: options.logger })))()
    // A failed listing is not remembered: the next job lists again.
    codes.catch(() => (codes = undefined))
    return codes
  }
  let shared: { date: TradeDate; waitingFor: keyof InfomaxDailyPrices; answer: Promise<InfomaxDailyPrices> } | undefined
  const prices = async (date: TradeDate, part: keyof InfomaxDailyPrices): Promise<InfomaxDailyPrices> => {
    if (shared?.date === date && shared.waitingFor === part) {
      const { answer } = shared
      shared = undefined
      return answer
    }
    const answer = stockCodes().then((list) => collectInfomaxDailyPrices(client, { codes: list, from: date, to: date }, options))
    shared = { date, waitingFor: part === 'ohlcv' ? 'marketCap' : 'ohlcv', answer }
    answer.catch(() => shared?.answer === answer && (shared = undefined))
    return answer
  }
  return {
    ohlcv_daily: async (date) => (await prices(date, 'ohlcv')).ohlcv,
    market_cap_daily: async (date) => (await prices(date, 'marketCap')).marketCap,
    investor_trading: async (date) => collectInfomaxInvestorTrading(client, { codes: await stockCodes(), from: date, to: date }, options),
  }
}
