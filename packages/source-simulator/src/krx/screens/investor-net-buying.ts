import { tradingDaysBetween, type TradeDate } from '@kmd/core'
import { addFlows, type FlowTotals, type InvestorType } from '../investor-flows.ts'
import type { SyntheticMarket } from '../synthetic-market.ts'
import type { ListedStock, MarketId } from '../universe.ts'
import { formatNumber } from '../wire-format.ts'

/**
 * MDCSTAT02401 (12010 투자자별 순매수상위종목): for one market and one investor type, every stock
 * that traded in the period with that investor's sells, buys and net, largest net value first.
 */
export const INVESTOR_NET_BUYING_BLD = 'dbms/MDC/STAT/standard/MDCSTAT02401'
export const INVESTOR_NET_BUYING_KEY = 'output'
export const INVESTOR_NET_BUYING_MARKETS = ['STK', 'KSQ', 'KNX'] as const

interface StockTotals extends FlowTotals {
  stock: ListedStock
  volume: number
}

/** The rows for a period as JSON text; the period's sessions are summed, closed days add nothing. */
export function investorNetBuyingRows(market: SyntheticMarket, from: TradeDate, to: TradeDate, marketId: MarketId, investor: InvestorType): string {
  const totals = new Map<number, StockTotals>()
  for (const date of tradingDaysBetween(from, to)) {
    const session = market.session(date)
    if (!session) continue
    const flows = market.sessionFlows(session)
    session.quotes.forEach((quote, q) => {
      if (quote.stock.market !== marketId) return
      let total = totals.get(quote.stock.key)
      if (!total) {
        total = { stock: quote.stock, volume: 0, sellVolume: 0, buyVolume: 0, sellValue: 0n, buyValue: 0n }
        totals.set(quote.stock.key, total)
      }
      total.volume += quote.volume
      addFlows(total, flows, quote, q, investor)
    })
  }
  // Stocks that never traded in the period (suspended) are left out, as KRX does.
  const rows = [...totals.values()]
    .filter((total) => total.volume > 0)
    .map((total) => ({ total, netValue: total.buyValue - total.sellValue }))
    .sort((a, b) => (a.netValue === b.netValue ? compareNames(a.total.stock, b.total.stock) : a.netValue > b.netValue ? -1 : 1))
    .map(({ total, netValue }) => ({
      ISU_SRT_CD: total.stock.code,
      ISU_NM: total.stock.name,
      ASK_TRDVOL: formatNumber(total.sellVolume),
      BID_TRDVOL: formatNumber(total.buyVolume),
      NETBID_TRDVOL: formatNumber(total.buyVolume - total.sellVolume),
      ASK_TRDVAL: formatNumber(total.sellValue),
      BID_TRDVAL: formatNumber(total.buyValue),
      NETBID_TRDVAL: formatNumber(netValue),
    }))
  return JSON.stringify(rows)
}

function compareNames(a: ListedStock, b: ListedStock): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}
