import type { SimulatorResponse } from '../http-io.ts'
import type { DataContext } from './data-route.ts'
import { ReferenceMarket } from './reference/reference-market.ts'
import { DELISTED_STOCKS_BLD, DELISTED_STOCKS_KEY, DELISTED_STOCKS_MARKETS, delistedStocksRows } from './screens/delisted-stocks.ts'
import { ETF_PORTFOLIO_BLD, ETF_PORTFOLIO_KEY, etfPortfolioRows } from './screens/etf-portfolio.ts'
import { ETF_PRICES_BLD, ETF_PRICES_KEY, etfPricesRows } from './screens/etf-prices.ts'
import { INDEX_CONSTITUENTS_BLD, INDEX_CONSTITUENTS_KEY, indexConstituentsRows } from './screens/index-constituents.ts'
import {
  SECTOR_CLASSIFICATION_BLD,
  SECTOR_CLASSIFICATION_KEY,
  SECTOR_CLASSIFICATION_MARKETS,
  sectorClassificationRows,
} from './screens/sector-classification.ts'
import { STOCK_MASTER_BLD, STOCK_MASTER_KEY, STOCK_MASTER_MARKETS, stockMasterRows } from './screens/stock-master.ts'
import { jsonEnvelope, parseCompactDate } from './wire-format.ts'

/**
 * The reference screens of the synthetic market: stock master, delisted stocks, sectors, index
 * constituents, ETF prices and ETF PDFs. Undefined for any other bld; `null` for a form that
 * does not make sense (the caller answers it as KRX does, with an empty block1).
 */
export const REFERENCE_BLDS = [
  STOCK_MASTER_BLD,
  DELISTED_STOCKS_BLD,
  SECTOR_CLASSIFICATION_BLD,
  INDEX_CONSTITUENTS_BLD,
  ETF_PRICES_BLD,
  ETF_PORTFOLIO_BLD,
] as const

export function answerReferenceScreen(form: Record<string, string>, context: DataContext, now: Date): SimulatorResponse | null | undefined {
  const reference = ReferenceMarket.of(context.market)
  const cached = (key: string, render: () => string) => context.renderedRows.getOrCreate(key, render)
  switch (form.bld) {
    case STOCK_MASTER_BLD: {
      const marketId = STOCK_MASTER_MARKETS.find((id) => id === form.mktId)
      if (!marketId) return null
      const rows = cached(`01901|${marketId}|${form.segTpCd ?? ''}`, () => stockMasterRows(reference, marketId, form.segTpCd))
      return json(jsonEnvelope(STOCK_MASTER_KEY, rows, now))
    }
    case DELISTED_STOCKS_BLD: {
      const from = parseCompactDate(form.strtDd)
      const to = parseCompactDate(form.endDd)
      const marketId = DELISTED_STOCKS_MARKETS.find((id) => id === form.mktId)
      if (!from || !to || from > to || !marketId || (form.isuCd ?? 'ALL') !== 'ALL') return null
      return json(jsonEnvelope(DELISTED_STOCKS_KEY, delistedStocksRows(reference, from, to, marketId), now))
    }
    case SECTOR_CLASSIFICATION_BLD: {
      const date = parseCompactDate(form.trdDd)
      const marketId = SECTOR_CLASSIFICATION_MARKETS.find((id) => id === form.mktId)
      if (!date || !marketId) return null
      const rows = cached(`03901|${date}|${marketId}`, () => sectorClassificationRows(reference, date, marketId))
      return json(jsonEnvelope(SECTOR_CLASSIFICATION_KEY, rows, now))
    }
    case INDEX_CONSTITUENTS_BLD: {
      const date = parseCompactDate(form.trdDd)
      if (!date || !form.indIdx || !form.indIdx2) return null
      const indexId = `${form.indIdx}/${form.indIdx2}`
      return json(jsonEnvelope(INDEX_CONSTITUENTS_KEY, cached(`00601|${date}|${indexId}`, () => indexConstituentsRows(reference, indexId, date)), now))
    }
    case ETF_PRICES_BLD: {
      const date = parseCompactDate(form.trdDd)
      if (!date) return null
      return json(jsonEnvelope(ETF_PRICES_KEY, cached(`04301|${date}`, () => etfPricesRows(reference, date)), now))
    }
    case ETF_PORTFOLIO_BLD: {
      const date = parseCompactDate(form.trdDd)
      if (!date || !form.isuCd) return null
      return json(jsonEnvelope(ETF_PORTFOLIO_KEY, etfPortfolioRows(reference, form.isuCd, date), now))
    }
    default:
      return undefined
  }
}

// KRX serves its JSON as text/html.
function json(body: string): SimulatorResponse {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body }
}
