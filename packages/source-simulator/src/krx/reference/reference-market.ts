import type { TradeDate } from '@kmd/core'
import type { DailyQuote } from '../daily-quote.ts'
import type { SyntheticMarket } from '../synthetic-market.ts'
import type { ListedStock } from '../universe.ts'
import { buildDelistedStocks, type DelistedStock } from './delisted-stocks.ts'
import { buildEtfs, CASH_LINES, frontKospi200Future, type EtfDefinition } from './etfs.ts'
import { IndexMembership } from './index-membership.ts'
import { stockProfileOf, type StockProfile } from './stock-profiles.ts'

/**
 * The reference data of the synthetic market: stock profiles, delisted stocks, index members,
 * ETFs and their portfolios. Built once per SyntheticMarket and derived from its stocks and
 * sessions, so codes, ISINs, names and closes agree with the price screens.
 */

/** One PDF line in won; shares per CU null for cash lines. */
export interface PortfolioLine {
  code: string
  isin: string
  marketId: string
  securityGroupId: string
  name: string
  sharesPerCu: number | null
  /** Shares × previous close (the value the PDF was built at); null for cash. */
  valuationAmount: number | null
  /** Shares × the day's close, or the cash amount. */
  amount: number
  /** Percent of the portfolio; null where KRX shows none. */
  weight: number | null
}

export interface EtfDay {
  nav: number
  previousNav: number
  indexLevel: number
  previousIndexLevel: number
}

// Index levels: members' capitalisation over a divisor fixed at base prices, scaled to a level
// of the index's typical size.
const BASE_LEVELS: Readonly<Record<string, number>> = { '1/001': 2_600, '1/028': 350, '1/034': 2_500, '1/035': 2_400, '2/001': 850, '2/203': 1_300, '5/300': 1_700 }
const FUTURES_MULTIPLIER = 250_000
const DEPOSIT_SHARE = 0.005

const byMarket = new WeakMap<SyntheticMarket, ReferenceMarket>()

export class ReferenceMarket {
  readonly delisted: readonly DelistedStock[]
  readonly etfs: readonly EtfDefinition[]
  readonly indexes: IndexMembership
  private profiles: ReadonlyMap<number, StockProfile> | undefined
  private readonly quoteIndexes = new Map<TradeDate, ReadonlyMap<number, DailyQuote>>()

  private constructor(readonly market: SyntheticMarket) {
    this.delisted = buildDelistedStocks(market.stocks)
    this.etfs = buildEtfs(market.stocks)
    this.indexes = new IndexMembership(market.stocks)
  }

  static of(market: SyntheticMarket): ReferenceMarket {
    let reference = byMarket.get(market)
    if (!reference) {
      reference = new ReferenceMarket(market)
      byMarket.set(market, reference)
    }
    return reference
  }

  profile(stock: ListedStock): StockProfile {
    this.profiles ??= new Map(this.market.stocks.map((listed) => [listed.key, stockProfileOf(listed)]))
    return this.profiles.get(stock.key)!
  }

  /** Each stock's quote on a trading day, by stock key; undefined on a closed day. */
  quotes(date: TradeDate): ReadonlyMap<number, DailyQuote> | undefined {
    const session = this.market.session(date)
    if (!session) return undefined
    let index = this.quoteIndexes.get(date)
    if (!index) {
      index = new Map(session.quotes.map((quote) => [quote.stock.key, quote]))
      // Two dates are enough for a day's answer and its previous day; keep memory flat.
      if (this.quoteIndexes.size >= 4) this.quoteIndexes.clear()
      this.quoteIndexes.set(date, index)
    }
    return index
  }

  /** An index's level at the day's close and the previous close; undefined on a closed day. */
  indexLevels(indexId: string, date: TradeDate): { level: number; previous: number } | undefined {
    const members = this.indexes.members(indexId, date)
    const quotes = this.quotes(date)
    if (!members || !quotes || members.length === 0) return undefined
    let base = 0
    let now = 0
    let before = 0
    for (const stock of members) {
      const quote = quotes.get(stock.key)!
      base += stock.basePrice * stock.listedShares
      now += quote.close * stock.listedShares
      before += quote.previousClose * stock.listedShares
    }
    const scale = (BASE_LEVELS[indexId] ?? 1_000) / base
    return { level: now * scale, previous: before * scale }
  }

  /** The ETF's portfolio deposit file on a date; undefined on a closed day. */
  portfolio(etf: EtfDefinition, date: TradeDate): PortfolioLine[] | undefined {
    return etf.kind === 'inverse' ? this.inversePortfolio(etf, date) : this.equityPortfolio(etf, date)
  }

  /** NAV per unit at the day's close and at the previous close, with the tracked index's levels. */
  etfDay(etf: EtfDefinition, date: TradeDate): EtfDay | undefined {
    const lines = this.portfolio(etf, date)
    const levels = this.indexLevels(etf.indexId, date)
    if (!lines || !levels) return undefined
    const total = lines.reduce((sum, line) => sum + (line.securityGroupId === 'FU' ? 0 : line.amount), 0)
    const previousTotal =
      etf.kind === 'inverse' ? inverseTotal(etf, levels.previous, etf.indexId) : lines.reduce((sum, line) => sum + (line.valuationAmount ?? line.amount), 0)
    return { nav: total / etf.unitsPerCu, previousNav: previousTotal / etf.unitsPerCu, indexLevel: levels.level, previousIndexLevel: levels.previous }
  }

  private equityPortfolio(etf: EtfDefinition, date: TradeDate): PortfolioLine[] | undefined {
    const members = this.indexes.members(etf.indexId, date)
    const quotes = this.quotes(date)
    if (!members || !quotes) return undefined
    const invested = etf.cuValue * (1 - DEPOSIT_SHARE)
    const totalCap = members.reduce((sum, stock) => sum + stock.basePrice * stock.listedShares, 0)
    const lines: PortfolioLine[] = members.map((stock) => {
      const quote = quotes.get(stock.key)!
      // Shares are fixed for the rebalance period: set from base prices, not the day's.
      const shares = Math.max(1, Math.round((invested * stock.listedShares) / totalCap))
      return {
        code: stock.code,
        isin: stock.isin,
        marketId: stock.market,
        securityGroupId: 'ST',
        name: stock.name,
        sharesPerCu: shares,
        valuationAmount: shares * quote.previousClose,
        amount: shares * quote.close,
        weight: null,
      }
    })
    lines.sort((a, b) => b.amount - a.amount || (a.code < b.code ? -1 : 1))
    lines.push({ ...cashLine(CASH_LINES.deposit), amount: Math.round(etf.cuValue * DEPOSIT_SHARE), weight: null })
    const total = lines.reduce((sum, line) => sum + line.amount, 0)
    for (const line of lines) line.weight = (100 * line.amount) / total
    return lines
  }

  // An inverse ETF holds cash and a short position in the front KOSPI 200 future.
  private inversePortfolio(etf: EtfDefinition, date: TradeDate): PortfolioLine[] | undefined {
    const levels = this.indexLevels(etf.indexId, date)
    if (!levels) return undefined
    const future = frontKospi200Future(date)
    const total = inverseTotal(etf, levels.level, etf.indexId)
    // Rebalanced daily: short as many contracts as the portfolio is worth.
    const contracts = -Math.max(1, Math.round(total / (levels.level * FUTURES_MULTIPLIER)))
    const creationCash = Math.round(etf.cuValue * 0.01)
    const notional = contracts * levels.level * FUTURES_MULTIPLIER
    return [
      {
        code: future.isin,
        isin: future.isin,
        marketId: 'DRV',
        securityGroupId: 'FU',
        name: future.name,
        sharesPerCu: contracts,
        valuationAmount: Math.round(contracts * levels.previous * FUTURES_MULTIPLIER),
        amount: Math.round(notional),
        weight: (100 * notional) / total,
      },
      { ...cashLine(CASH_LINES.deposit), amount: total - creationCash, weight: (100 * (total - creationCash)) / total },
      { ...cashLine(CASH_LINES.creationCash), amount: creationCash, weight: null },
    ]
  }
}

function cashLine(line: { code: string; name: string }): Omit<PortfolioLine, 'amount' | 'weight'> {
  return { code: line.code, isin: line.code, marketId: '', securityGroupId: '', name: line.name, sharesPerCu: null, valuationAmount: null }
}

// The inverse ETF's value moves against the index: worth cuValue when the index stands at its base level.
function inverseTotal(etf: EtfDefinition, level: number, indexId: string): number {
  return Math.round((etf.cuValue * (BASE_LEVELS[indexId] ?? 1_000)) / level)
}

