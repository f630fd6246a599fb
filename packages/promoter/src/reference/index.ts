import type { ReferenceDataset } from '@kmd/core'
import { promoteEtfPortfolios } from './etf-portfolios.ts'
import { promoteFloatingShares } from './floating-shares.ts'
import { promoteIndexComponents } from './index-components.ts'
import { promoteMarketCalendar } from './market-calendar.ts'
import { promoteSectors } from './sectors.ts'
import { promoteStocks } from './stocks.ts'
import type { ReferencePromoter } from './types.ts'

/** How each reference dataset reaches production; each runs inside promoteBatch's transaction. */
export const REFERENCE_PROMOTERS: Record<ReferenceDataset, ReferencePromoter> = {
  stocks: promoteStocks,
  sectors: promoteSectors,
  index_components: promoteIndexComponents,
  floating_shares: promoteFloatingShares,
  etf_portfolios: promoteEtfPortfolios,
  market_calendar: promoteMarketCalendar,
}

export { tradingHours } from './market-calendar.ts'
export type { ReferenceBatch, ReferencePromoter, ReferencePromotion } from './types.ts'
