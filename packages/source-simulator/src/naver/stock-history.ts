import { previousTradingDay, isTradingDay, tradingDaysBetween, type TradeDate } from '@kmd/core'
import { BoundedCache } from '../krx/bounded-cache.ts'
import { dailyQuote, type DailyQuote } from '../krx/daily-quote.ts'
import { INSTITUTIONAL_TYPES, LEAF_INVESTOR_TYPES, sessionFlows } from '../krx/investor-flows.ts'
import { PricePath } from '../krx/price-path.ts'
import { textUnit } from '../krx/reference/text-hash.ts'
import type { SyntheticMarket } from '../krx/synthetic-market.ts'
import { TradingDayIndex } from '../krx/trading-day-index.ts'
import type { ListedStock } from '../krx/universe.ts'

/**
 * One stock's days as Naver's item pages show them, computed from the same price path and
 * investor flows as the KRX screens, stock by stock: a page of ten days costs ten quotes, not
 * ten whole-market sessions. Naver's history here starts with the simulator's first year.
 */
export const NAVER_HISTORY_START = '2015-01-02'

export interface NaverDay {
  date: TradeDate
  quote: DailyQuote
}

export interface NetVolumes {
  /** 기관: the seven institutional groups (KRX 기관합계). */
  institution: number
  /** 외국인: KRX's 외국인 and 기타외국인 together, as brokers and Naver report foreigners. */
  foreign: number
  foreignHoldingShares: number
}

const FOREIGN_GROUPS = [LEAF_INVESTOR_TYPES.indexOf('9000'), LEAF_INVESTOR_TYPES.indexOf('9001')]
const INSTITUTIONAL_GROUPS = INSTITUTIONAL_TYPES.map((type) => LEAF_INVESTOR_TYPES.indexOf(type))
const HOLDING_SALT = 31

export class NaverStockHistory {
  private readonly path: PricePath
  private readonly ordinals = new TradingDayIndex()
  private readonly byCode: ReadonlyMap<string, ListedStock>
  private readonly dayLists = new BoundedCache<TradeDate, readonly TradeDate[]>(4)

  constructor(
    market: SyntheticMarket,
    private readonly seed: number,
  ) {
    this.path = new PricePath(seed)
    this.byCode = new Map(market.stocks.map((stock) => [stock.code, stock]))
  }

  stock(code: string): ListedStock | undefined {
    return this.byCode.get(code)
  }

  /** Trading days from the latest on or before `today` back to the start of the history, newest first. */
  days(today: TradeDate): readonly TradeDate[] {
    if (today < NAVER_HISTORY_START) return []
    const latest = isTradingDay(today) ? today : previousTradingDay(today)
    return this.dayLists.getOrCreate(latest, () => tradingDaysBetween(NAVER_HISTORY_START, latest).reverse())
  }

  quote(stock: ListedStock, date: TradeDate): DailyQuote {
    return dailyQuote(this.path, this.seed, stock, this.ordinals.ordinal(date))
  }

  /** 기관 and 외국인 net volumes of the day, from the same flows KRX's MDCSTAT02401 sums. */
  netVolumes(quote: DailyQuote, date: TradeDate): NetVolumes {
    const n = this.ordinals.ordinal(date)
    const flows = sessionFlows(this.seed, n, [quote])
    const net = (groups: readonly number[]) => groups.reduce((sum, g) => sum + flows[g * 4 + 1]! - flows[g * 4]!, 0)
    return { institution: net(INSTITUTIONAL_GROUPS), foreign: net(FOREIGN_GROUPS), foreignHoldingShares: foreignHolding(quote.stock, n) }
  }
}

// Foreign ownership drifts slowly around a level of its own for each stock (5% to 50%).
function foreignHolding(stock: ListedStock, n: number): number {
  const level = 0.05 + 0.45 * textUnit(stock.isin, HOLDING_SALT) ** 2
  const drift = 1 + 0.1 * Math.sin(n / 40 + 6.28 * textUnit(stock.isin, HOLDING_SALT + 1))
  return Math.round(stock.listedShares * Math.min(0.99, level * drift))
}
