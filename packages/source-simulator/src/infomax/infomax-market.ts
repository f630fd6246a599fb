import type { TradeDate } from '@kmd/core'
import type { DailyQuote } from '../krx/daily-quote.ts'
import { unitHash } from '../krx/random.ts'
import type { SyntheticMarket } from '../krx/synthetic-market.ts'
import type { ListedStock } from '../krx/universe.ts'
import { buildDelistedStocks, type DelistedStock } from './delisted-stocks.ts'
import { buildEtfs, type SyntheticEtf } from './etf-universe.ts'
import { indexMembers, type InfomaxIndexCode } from './index-membership.ts'
import { governmentShare, type LabelDefinition } from './investor-labels.ts'

/** Sell volume, buy volume, sell value (won), buy value (won). */
export type Flow = [sellVolume: number, buyVolume: number, sellValue: number, buyValue: number]

const LEAVES = 11
const FLOAT_SALT = 480
const LISTING_SALT = 490

/**
 * The synthetic market as Infomax sees it: the same stocks and sessions the KRX routes serve,
 * looked up by code, plus the ETFs, delisted stocks and index memberships only Infomax serves.
 */
export class InfomaxMarket {
  private readonly byCode = new Map<string, number>()
  private readonly byIsin = new Map<string, number>()
  private etfList: SyntheticEtf[] | undefined
  private delistedList: DelistedStock[] | undefined
  private readonly members = new Map<InfomaxIndexCode, ListedStock[]>()

  constructor(
    readonly market: SyntheticMarket,
    private readonly seed: number,
  ) {
    market.stocks.forEach((stock, index) => {
      this.byCode.set(stock.code, index)
      this.byIsin.set(stock.isin, index)
    })
  }

  get stocks(): readonly ListedStock[] {
    return this.market.stocks
  }

  /** A listed stock by its six-character code or its ISIN (the hist endpoint takes both). */
  stock(codeOrIsin: string): ListedStock | undefined {
    const index = this.byCode.get(codeOrIsin) ?? this.byIsin.get(codeOrIsin)
    return index === undefined ? undefined : this.market.stocks[index]
  }

  /** The stock's quote on a date; undefined on a closed day or for an unknown stock. */
  quote(stock: ListedStock, date: TradeDate): { quote: DailyQuote; n: number; index: number } | undefined {
    const session = this.market.session(date)
    const index = this.byCode.get(stock.code)
    if (!session || index === undefined) return undefined
    return { quote: session.quotes[index]!, n: session.n, index }
  }

  /** One investor row's flows (won) for a stock on a trading day, summed over the label's leaves. */
  flows(stock: ListedStock, date: TradeDate, label: LabelDefinition): Flow | undefined {
    const found = this.quote(stock, date)
    if (!found) return undefined
    const session = this.market.session(date)!
    const flows = this.market.sessionFlows(session)
    const total: Flow = [0, 0, 0, 0]
    for (const leaf of label.leaves) {
      const at = (found.index * LEAVES + leaf) * 4
      total[0] += flows[at]!
      total[1] += flows[at + 1]!
      total[2] += flows[at + 2]!
      total[3] += flows[at + 3]!
    }
    if (label.governmentPart) {
      const share = governmentShare(this.seed, stock.key, found.n)
      return total.map((value) => Math.floor(value * share)) as Flow
    }
    return total
  }

  /** Free-float shares, 30-95% of listed shares, fixed per stock. */
  floatingShares(stock: ListedStock): number {
    return Math.round(stock.listedShares * (0.3 + 0.65 * unitHash(this.seed, stock.key, FLOAT_SALT, 0)))
  }

  /** Listing dates are not part of the synthetic universe; any fixed day between 1976 and 2014 will do. */
  listingDate(key: number): TradeDate {
    const day = Date.UTC(1976, 0, 5) + Math.floor(unitHash(this.seed, key, LISTING_SALT, 0) * 14_000) * 86_400_000
    return new Date(day).toISOString().slice(0, 10)
  }

  get etfs(): readonly SyntheticEtf[] {
    this.etfList ??= buildEtfs(this.seed, this.market.stocks)
    return this.etfList
  }

  get delisted(): readonly DelistedStock[] {
    this.delistedList ??= buildDelistedStocks(this.seed)
    return this.delistedList
  }

  indexMembers(code: InfomaxIndexCode): readonly ListedStock[] {
    let members = this.members.get(code)
    if (!members) {
      members = indexMembers(this.market.stocks, code)
      this.members.set(code, members)
    }
    return members
  }
}
