import {
  collectEtfPortfolios,
  collectIndexComponents,
  collectInvestorTrading,
  collectOhlcvAndMarketCap,
  collectSectors,
  collectStockMaster,
  createKrxClient,
  type KrxScreenFetcher,
  type OhlcvAndMarketCap,
} from '@kmd/collector-krx'
import { collectNaverOhlcvForDate, createNaverClient } from '@kmd/collector-naver'
import {
  collectInvestorTradingForDate as collectKisInvestorTrading,
  collectMarketCalendar,
  collectOhlcvDailyForDate as collectKisOhlcv,
  createKisClient,
  type KisFetcher,
} from '@kmd/collector-kis'
import {
  collectInfomaxEtfPortfolios,
  collectInfomaxFloatingShares,
  collectInfomaxIndexComponents,
  collectInfomaxStocks,
  createInfomaxClient,
  infomaxDailyCollectors,
  INFOMAX_INDEX_CODES,
  type InfomaxFetcher,
} from '@kmd/collector-infomax'
import { collectFloatingSharesFile } from '@kmd/collector-file'
import type { Kysely } from 'kysely'
import type { Database } from '@kmd/db'
import { expectedStockCodes } from '@kmd/validators'
import { addDays, seoulDate, type AppConfig, type CollectedBatch, type EnvironmentVariable, type Dataset, type Logger, type SourceName, type TradeDate } from '@kmd/core'

/** What the pipeline hands a collector besides the date: facts only the database knows. */
export interface CollectContext {
  /** Active stock codes, for sources that answer one stock per request (broker API, Naver). */
  stockCodes(): Promise<string[]>
  /**
   * The ETFs whose portfolios production holds for the latest earlier day, for a source that
   * cannot list ETFs itself (the vendor API answers one PDF per code it is given).
   */
  knownEtfCodes(): Promise<string[]>
}

/** The collect context of one partition: the listed stocks (or a gap fill's), the known ETFs. */
export function collectContextFor(db: Kysely<Database>, tradeDate: TradeDate, onlyStocks: readonly string[] | undefined): CollectContext {
  return {
    stockCodes: async () => (onlyStocks ? [...onlyStocks] : expectedStockCodes(db, tradeDate)),
    knownEtfCodes: async () => {
      const rows = await db
        .selectFrom('etf_portfolios')
        .select('etf_code')
        .distinct()
        .where('base_date', '=', (eb) => eb.selectFrom('etf_portfolios').select((inner) => inner.fn.max('base_date').as('latest')).where('base_date', '<', tradeDate))
        .orderBy('etf_code')
        .execute()
      return rows.map((row) => row.etf_code)
    },
  }
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
export function krxCollectors(client: KrxScreenFetcher, options: { indexes?: readonly string[] } = {}): Partial<Record<Dataset, Collector>> {
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
    stocks: (date) => collectStockMaster(client, date),
    sectors: (date) => collectSectors(client, date),
    index_components: (date) => collectIndexComponents(client, date, { indexes: options.indexes }),
    etf_portfolios: (date) => collectEtfPortfolios(client, date),
  }
}

// How far ahead the calendar is read each time: the rest of the year and the next.
const CALENDAR_DAYS_AHEAD = 400

/** The broker Open API: one request per stock for prices and flows, and the holiday calendar. */
export function kisCollectors(client: KisFetcher): Partial<Record<Dataset, Collector>> {
  return {
    ohlcv_daily: async (date, context) => collectKisOhlcv(client, date, await context.stockCodes()),
    investor_trading: async (date, context) => collectKisInvestorTrading(client, date, await context.stockCodes()),
    market_calendar: (date) => collectMarketCalendar(client, date, { toDate: addDays(date, CALENDAR_DAYS_AHEAD) }),
  }
}

/**
 * The vendor API: daily prices and flows in 30-day windows, the stock master, free-float shares
 * of the listed stocks, the PDFs of the ETFs production knows, and today's index constituents (`indexes`: KRX index ids such as
 * `1/028`, as KRX_INDEXES names them).
 */
export function infomaxCollectors(client: InfomaxFetcher, logger: Logger, options: { indexes?: readonly string[] } = {}): Partial<Record<Dataset, Collector>> {
  const daily = infomaxDailyCollectors(client, { logger })
  return {
    ohlcv_daily: (date) => daily.ohlcv_daily(date),
    market_cap_daily: (date) => daily.market_cap_daily(date),
    investor_trading: (date) => daily.investor_trading(date),
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

/** The files given to this process (`etl import floating-shares <file>`), per dataset a file can hold. */
export interface FileInputs {
  floating_shares?: string
}

/** Source `file`: a collector for each dataset a file was given for; the file states its own dates. */
export function fileCollectors(files: FileInputs): Partial<Record<Dataset, Collector>> {
  const floatingShares = files.floating_shares
  return floatingShares === undefined ? {} : { floating_shares: (date) => collectFloatingSharesFile(floatingShares, date) }
}

/**
 * Every source configured in this process; a source's client (session, pacing) is shared by
 * its datasets. A source that needs a login is there only when its credentials are set
 * (`config.unsetCredentials`), so a plan's source without them is passed over rather than
 * failed after a request; `sourcesPassedOver` names what is missing. Source `file` is there
 * only for the files given (`options.files`).
 */
export function createCollectors(config: AppConfig, logger: Logger, options: { files?: FileInputs } = {}): CollectorRegistry {
  const naver = createNaverClient(config, { logger })
  const configured = (source: SourceName) => config.unsetCredentials[source].length === 0
  const registry: CollectorRegistry = {
    naver: { ohlcv_daily: async (date, context) => collectNaverOhlcvForDate(naver, date, await context.stockCodes()) },
  }
  if (configured('krx')) registry.krx = krxCollectors(createKrxClient(config, { logger }), { indexes: config.krxIndexes })
  if (configured('kis')) registry.kis = kisCollectors(createKisClient(config, { logger }))
  if (configured('infomax')) registry.infomax = infomaxCollectors(createInfomaxClient(config, { logger }), logger, { indexes: config.krxIndexes })
  if (options.files) registry.file = fileCollectors(options.files)
  return registry
}

/** Those of `sources` this configuration passes over, with the variables each lacks. */
export function sourcesPassedOver(config: AppConfig, sources: readonly SourceName[]): Array<{ source: SourceName; unset: readonly EnvironmentVariable[] }> {
  return sources.filter((source) => config.unsetCredentials[source].length > 0).map((source) => ({ source, unset: config.unsetCredentials[source] }))
}
