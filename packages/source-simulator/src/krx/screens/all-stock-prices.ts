import type { DailyQuote } from '../daily-quote.ts'
import type { SyntheticMarket } from '../synthetic-market.ts'
import { MARKET_NAMES, type ListedStock, type MarketId } from '../universe.ts'
import { formatNumber, formatRate, NO_VALUE } from '../wire-format.ts'
import type { TradeDate } from '@kmd/core'

/** MDCSTAT01501 (12001 전종목 시세): every stock's prices, volume, value, market cap and shares for one day. */
export const ALL_STOCK_PRICES_BLD = 'dbms/MDC/STAT/standard/MDCSTAT01501'
export const ALL_STOCK_PRICES_KEY = 'OutBlock_1'
export const ALL_STOCK_PRICES_MARKETS = ['ALL', 'STK', 'KSQ', 'KNX'] as const

type Row = Record<string, string>

/** The rows for one day as JSON text; on a closed day every stock is listed with "-" prices, as KRX does. */
export function allStockPricesRows(market: SyntheticMarket, date: TradeDate, marketId: 'ALL' | MarketId): string {
  const inMarket = (stock: ListedStock) => marketId === 'ALL' || stock.market === marketId
  const session = market.session(date)
  const rows = session
    ? session.quotes.filter((quote) => inMarket(quote.stock)).map(tradedRow)
    : market.stocks.filter(inMarket).map(closedDayRow)
  return JSON.stringify(rows)
}

// Rows are written field by field, in KRX's order: the literal keeps one object shape for all rows.
function tradedRow(quote: DailyQuote): Row {
  const stock = quote.stock
  const change = quote.close - quote.previousClose
  return {
    ISU_SRT_CD: stock.code,
    ISU_CD: stock.isin,
    ISU_ABBRV: stock.name,
    MKT_NM: MARKET_NAMES[stock.market],
    SECT_TP_NM: stock.section,
    TDD_CLSPRC: formatNumber(quote.close),
    FLUC_TP_CD: quote.fluctuation,
    CMPPREVDD_PRC: formatNumber(change),
    FLUC_RT: formatRate((100 * change) / quote.previousClose),
    TDD_OPNPRC: formatNumber(quote.open),
    TDD_HGPRC: formatNumber(quote.high),
    TDD_LWPRC: formatNumber(quote.low),
    ACC_TRDVOL: formatNumber(quote.volume),
    ACC_TRDVAL: formatNumber(quote.value),
    MKTCAP: formatNumber(quote.close * stock.listedShares),
    LIST_SHRS: formatNumber(stock.listedShares),
    MKT_ID: stock.market,
  }
}

function closedDayRow(stock: ListedStock): Row {
  return {
    ISU_SRT_CD: stock.code,
    ISU_CD: stock.isin,
    ISU_ABBRV: stock.name,
    MKT_NM: MARKET_NAMES[stock.market],
    SECT_TP_NM: stock.section,
    TDD_CLSPRC: NO_VALUE,
    FLUC_TP_CD: '3',
    CMPPREVDD_PRC: NO_VALUE,
    FLUC_RT: NO_VALUE,
    TDD_OPNPRC: NO_VALUE,
    TDD_HGPRC: NO_VALUE,
    TDD_LWPRC: NO_VALUE,
    ACC_TRDVOL: NO_VALUE,
    ACC_TRDVAL: NO_VALUE,
    MKTCAP: NO_VALUE,
    LIST_SHRS: formatNumber(stock.listedShares),
    MKT_ID: stock.market,
  }
}
