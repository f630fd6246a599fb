import { seoulDate, type Logger, type SourceCollectors } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { INFOMAX_INDEX_CODES } from '../tables/index-constituents.ts'
import { infomaxDailyCollectors } from './daily.ts'
import { collectInfomaxEtfPortfolios } from './etf-portfolios.ts'
import { collectInfomaxFloatingShares } from './floating-shares.ts'
import { collectInfomaxIndexComponents } from './index-components.ts'
import { collectInfomaxStocks } from './stock-master.ts'

/**
 * What the vendor API collects: daily prices and flows in 30-day windows, the stock master,
 * free-float shares of the listed stocks, the PDFs of the ETFs production knows, and today's
 * index constituents (`indexes`: KRX index ids such as `1/028`, as KRX_INDEXES names them).
 */
export function infomaxCollectors(client: InfomaxFetcher, logger: Logger, options: { indexes?: readonly string[] } = {}): SourceCollectors {
  return {
    ...infomaxDailyCollectors(client, { logger }),
    stocks: (date) => collectInfomaxStocks(client, { asOf: date }, { logger }),
    floating_shares: async (date, context) => collectInfomaxFloatingShares(client, { codes: await context.stockCodes(), date }, { logger }),
    etf_portfolios: async (date, context) => {
      const etfCodes = await context.knownEtfCodes()
      if (etfCodes.length === 0) throw new RangeError(`Infomax cannot list ETFs, and production holds no portfolios before ${date} to say which to ask for: load them from KRX first`)
      return collectInfomaxEtfPortfolios(client, { etfCodes, date }, { logger })
    },
    index_components: async (date) => {
      // The endpoint takes no date: its answer is today's membership, never a past day's.
      const today = seoulDate()
      if (date !== today) throw new RangeError(`Infomax answers today's index constituents only (${today}); it cannot load ${date}`)
      return collectInfomaxIndexComponents(client, { asOf: date, indexCodes: options.indexes?.map(infomaxIndexCode) })
    },
  }
}

/** The Infomax code of a KRX index id (`1/028` → `K2G01P`); an index Infomax has no code for is named. */
function infomaxIndexCode(krxIndex: string): string {
  const found = Object.entries(INFOMAX_INDEX_CODES).find(([, index]) => index.indexCode === krxIndex)
  if (!found) throw new RangeError(`KRX_INDEXES: Infomax has no known code for index ${krxIndex} (known: ${Object.values(INFOMAX_INDEX_CODES).map((index) => index.indexCode).join(', ')})`)
  return found[0]
}
