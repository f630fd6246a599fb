import { sql, type Kysely, type RawBuilder } from 'kysely'
import { DAILY_DATASETS, DEFAULT_COMPLETENESS_THRESHOLD, sessionMinuteBars, type DailyDataset, type Dataset } from '@kmd/core'
import type { Database } from '@kmd/db'
import { datasetSpec as specOf, type DatasetSpec } from './datasets.ts'
import { batchParam, col, dateParam, notRejected, onTradeDate, productionTable, SEOUL, showKeyDate, stagingTable } from './sql-parts.ts'

export { DEFAULT_COMPLETENESS_THRESHOLD }

const MISSING_SAMPLE_SIZE = 10

/**
 * Where a partition's expected keys come from:
 *   master            the stocks the master lists on that day (listing_date <= day < delisting_date)
 *   previous_session  production's keys of the latest earlier session within two weeks, less
 *                     stocks the master knows were delisted by the day (no master loaded yet);
 *                     an older session says little about today's market (a backfill's first day)
 *   none              nothing to judge against (a first load without a master)
 * Minute bars:
 *   daily_bars        every minute of the session for each stock that traded that day in
 *                     production's ohlcv_daily (a minute without a trade is listed by the source)
 *   no_daily_bars     ohlcv_daily holds nothing for the day: the bars cannot be judged, and the
 *                     day is incomplete until it is loaded
 */
export type CompletenessBasis = 'master' | 'previous_session' | 'none' | 'daily_bars' | 'no_daily_bars'

export interface Coverage {
  basis: CompletenessBasis
  expectedCount: number
  /** Expected keys that were delivered. */
  presentCount: number
  missingCount: number
  /** Up to ten missing keys: `005930@2024-01-02`, `005930/individual@2024-01-02`. */
  missingSample: string[]
  /** Every stock with at least one missing key: what a gap fill asks the next source for. */
  missingStocks: string[]
  /** presentCount / expectedCount; 1 when nothing is expected. */
  ratio: number
}

export interface CoverageRequest {
  dataset: DailyDataset
  tradeDate: string
  /** Whose keys count as delivered: production's for the day, or one staged batch's rows no rule rejected. */
  delivered: 'production' | { batchId: string }
  /** The answer covers only these stocks (a gap fill): expected keys are narrowed to them. */
  onlyStocks?: readonly string[]
}

/** Whether a dataset has a per-day key set to be complete against. */
export function hasCompleteness(dataset: Dataset): dataset is DailyDataset {
  return (DAILY_DATASETS as readonly string[]).includes(dataset)
}

/**
 * Which keys a daily partition should hold and which of them were delivered, counted in the
 * database (a day is ~30k investor keys; only counts and samples come back).
 */
export async function measureCoverage(db: Kysely<Database>, request: CoverageRequest): Promise<Coverage> {
  const spec = specOf(request.dataset)
  if (spec.keyTimestamp) return measureMinuteCoverage(db, spec, request)
  const day = dateParam(request.tradeDate)
  const basis = await basisFor(db, request.dataset, request.tradeDate)
  const withTypes = spec.entityColumns.includes('investor_type')
  const entity = sql.join(spec.entityColumns.map((c) => sql.ref(c)))

  const tradedOnly = TRADED_STOCKS_ONLY.has(request.dataset) ? await tradedFilter(db, request.tradeDate) : () => sql`true`
  const expected: RawBuilder<unknown> =
    basis === 'master'
      ? sql`select s.stock_code${withTypes ? sql`, t.investor_type` : sql``}
            from stocks s ${withTypes ? sql`cross join investor_types t` : sql``}
            where ${listedOn(sql`s`, day)} and ${tradedOnly('s')}`
      : basis === 'previous_session'
        ? sql`select distinct ${sql.join(spec.entityColumns.map((c) => col('p', c)))}
              from ${productionTable(spec)} p
              where p.time = (select max(time) from ${productionTable(spec)} where ${recentBefore(day)})
                and not exists (select 1 from stocks x where x.stock_code = p.stock_code and x.delisting_date <= ${day})
                and ${tradedOnly('p')}`
        : sql`select ${sql.join(spec.entityColumns.map((c) => sql`null::text as ${sql.ref(c)}`))} where false`
  const delivered =
    request.delivered === 'production'
      ? sql`select ${entity} from ${productionTable(spec)} where time = ${day}`
      : sql`select distinct ${entity} from ${stagingTable(spec)} t
            where t.batch_id = ${batchParam(request.delivered.batchId)} and t.time = ${day} and ${notRejected('t')}`
  const keyText = sql<string>`${sql.join(spec.entityColumns.map((c) => col('m', c)), sql` || '/' || `)} || '@' || ${request.tradeDate}::text`
  return countCoverage(db, basis, { expected, onlyStocks: request.onlyStocks, delivered, keyText })
}

/** Minute bars: every session minute of each stock that traded that day (ohlcv_daily), against the bars delivered. */
async function measureMinuteCoverage(db: Kysely<Database>, spec: DatasetSpec, request: CoverageRequest): Promise<Coverage> {
  const day = dateParam(request.tradeDate)
  const { rows: loaded } = await sql<{ loaded: boolean }>`select exists (select 1 from ohlcv_daily where time = ${day}) as loaded`.execute(db)
  const basis: CompletenessBasis = loaded[0]!.loaded ? 'daily_bars' : 'no_daily_bars'
  const minutes = sessionMinuteBars(request.tradeDate)
  const expected = sql`
    select o.stock_code, (${day} + m.minute::time) at time zone ${SEOUL} as time
    from ohlcv_daily o cross join unnest(${minutes}::text[]) as m(minute)
    where o.time = ${day} and o.volume > 0`
  const delivered =
    request.delivered === 'production'
      ? sql`select stock_code, time from ${productionTable(spec)} p where ${onTradeDate(spec, sql`p.time`, request.tradeDate)}`
      : sql`select distinct stock_code, time from ${stagingTable(spec)} t
            where t.batch_id = ${batchParam(request.delivered.batchId)} and ${onTradeDate(spec, sql`t.time`, request.tradeDate)} and ${notRejected('t')}`
  const coverage = await countCoverage(db, basis, { expected, onlyStocks: request.onlyStocks, delivered, keyText: sql<string>`m.stock_code || '@' || ${showKeyDate(spec, sql`m.time`)}` })
  // Nothing to judge the bars by is not a complete day.
  return basis === 'no_daily_bars' ? { ...coverage, ratio: 0 } : coverage
}

interface CoverageQuery {
  expected: RawBuilder<unknown>
  /** A gap fill's stocks: the expected keys are narrowed to them. */
  onlyStocks: readonly string[] | undefined
  delivered: RawBuilder<unknown>
  /** A missing key's text, over `missing` aliased `m`. */
  keyText: RawBuilder<string>
}

async function countCoverage(db: Kysely<Database>, basis: CompletenessBasis, { expected, onlyStocks, delivered, keyText }: CoverageQuery): Promise<Coverage> {
  const narrowed = onlyStocks ? sql`select * from expected_all where stock_code = any(${[...onlyStocks]}::text[])` : sql`select * from expected_all`
  const { rows } = await sql<{ expected: number; missing: number; sample: string[] | null; stocks: string[] | null }>`
    with expected_all as (${expected}),
    expected as materialized (${narrowed}),
    delivered as materialized (${delivered}),
    -- A set difference, never a nested loop: the planner put a fresh batch's delivered keys at
    -- one row and compared 29k investor keys with each other (34 s a day on a server).
    missing as materialized (select * from expected except select * from delivered)
    select (select count(*) from expected)::int as expected,
           (select count(*) from missing)::int as missing,
           (select array_agg(k order by k) from (select ${keyText} as k from missing m order by 1 limit ${MISSING_SAMPLE_SIZE}) s) as sample,
           (select array_agg(distinct stock_code order by stock_code) from missing) as stocks`.execute(db)
  const row = rows[0]!
  const presentCount = row.expected - row.missing
  return {
    basis,
    expectedCount: row.expected,
    presentCount,
    missingCount: row.missing,
    missingSample: row.sample ?? [],
    missingStocks: row.stocks ?? [],
    ratio: row.expected === 0 ? 1 : presentCount / row.expected,
  }
}

/**
 * The stocks to ask sources that answer one stock per request (broker API, Naver): the stocks
 * the master lists that day, else those of production's latest OHLCV session up to the day,
 * however old (a narrower list would make the answer short before it is even asked for).
 */
export async function expectedStockCodes(db: Kysely<Database>, tradeDate: string): Promise<string[]> {
  const day = dateParam(tradeDate)
  const { rows: listed } = await sql<{ stock_code: string }>`select s.stock_code from stocks s where ${listedOn(sql`s`, day)} order by 1`.execute(db)
  if (listed.length > 0) return listed.map((row) => row.stock_code)
  const { rows } = await sql<{ stock_code: string }>`
    select p.stock_code from ohlcv_daily p
    where p.time = (select max(time) from ohlcv_daily where time <= ${day})
      and not exists (select 1 from stocks x where x.stock_code = p.stock_code and x.delisting_date <= ${day})
    order by 1`.execute(db)
  return rows.map((row) => row.stock_code)
}

/**
 * Investor flows list only the stocks that traded that day (KRX leaves suspended stocks out of
 * MDCSTAT02401, and the other sources do the same): once the day's OHLCV is in production, a
 * stock with no volume is not expected. Before it is, every listed stock is.
 */
const TRADED_STOCKS_ONLY: ReadonlySet<DailyDataset> = new Set(['investor_trading'])

async function tradedFilter(db: Kysely<Database>, tradeDate: string): Promise<(alias: string) => RawBuilder<unknown>> {
  const day = dateParam(tradeDate)
  const { rows } = await sql<{ loaded: boolean }>`select exists (select 1 from ohlcv_daily where time = ${day}) as loaded`.execute(db)
  if (!rows[0]!.loaded) return () => sql`true`
  return (alias) => sql`exists (select 1 from ohlcv_daily o where o.stock_code = ${col(alias, 'stock_code')} and o.time = ${day} and o.volume > 0)`
}

async function basisFor(db: Kysely<Database>, dataset: DailyDataset, tradeDate: string): Promise<CompletenessBasis> {
  const spec = specOf(dataset)
  const day = dateParam(tradeDate)
  const { rows } = await sql<{ listed: boolean; previous: boolean }>`
    select exists (select 1 from stocks s where ${listedOn(sql`s`, day)}) as listed,
           exists (select 1 from ${productionTable(spec)} where ${recentBefore(day)}) as previous`.execute(db)
  const { listed, previous } = rows[0]!
  return listed ? 'master' : previous ? 'previous_session' : 'none'
}

// A master row without a listing date counts as listed (the source did not say when).
const listedOn = (alias: RawBuilder<unknown>, day: RawBuilder<unknown>) =>
  sql`(${alias}.listing_date is null or ${alias}.listing_date <= ${day}) and (${alias}.delisting_date is null or ${alias}.delisting_date > ${day})`

// Long enough for the longest KRX closure (Chuseok and a weekend: about a week).
const recentBefore = (day: RawBuilder<unknown>) => sql`time < ${day} and time >= ${day} - 14`
