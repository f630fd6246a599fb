import type { DatasetDefinition, ValuesOf } from './definition.ts'
import { etfPortfolios } from './etf-portfolios.ts'
import { floatingShares } from './floating-shares.ts'
import { indexComponents } from './index-components.ts'
import { investorTrading } from './investor-trading.ts'
import { marketCalendar } from './market-calendar.ts'
import { marketCapDaily } from './market-cap-daily.ts'
import { ohlcvDaily } from './ohlcv-daily.ts'
import { ohlcvMinute } from './ohlcv-minute.ts'
import { sectors } from './sectors.ts'
import { stocks } from './stocks.ts'

export * from './definition.ts'
export type { OhlcvDailyValues } from './ohlcv-daily.ts'
export type { OhlcvMinuteValues } from './ohlcv-minute.ts'
export type { MarketCapDailyValues } from './market-cap-daily.ts'
export type { InvestorTradingValues } from './investor-trading.ts'
export type { StockValues } from './stocks.ts'
export type { SectorMembershipValues } from './sectors.ts'
export type { IndexComponentValues } from './index-components.ts'
export type { FloatingSharesValues } from './floating-shares.ts'
export type { EtfPortfolioValues } from './etf-portfolios.ts'
export type { MarketCalendarValues } from './market-calendar.ts'

/**
 * Every dataset, daily ones first. A new dataset is a module beside these and one line here;
 * staging columns, COPY, upserts, validator specs, schedule defaults, the source plan and the
 * readers' Kysely types (`pnpm gen:types`) follow from it.
 */
export const DATASET_DEFINITIONS = [
  ohlcvDaily,
  marketCapDaily,
  investorTrading,
  ohlcvMinute,
  stocks,
  sectors,
  indexComponents,
  floatingShares,
  etfPortfolios,
  marketCalendar,
] as const satisfies readonly DatasetDefinition[]

type AnyDefinition = (typeof DATASET_DEFINITIONS)[number]
export type Dataset = AnyDefinition['name']
export type DailyDataset = Extract<AnyDefinition, { kind: 'daily' }>['name']
/** The daily datasets of one row per stock and day. */
export type DayGrainDataset = Exclude<Extract<AnyDefinition, { kind: 'daily' }>, { grain: 'minute' }>['name']
export type ReferenceDataset = Extract<AnyDefinition, { kind: 'reference' }>['name']
export type DefinitionOf<D extends Dataset> = Extract<AnyDefinition, { name: D }>

/** The canonical record values of each dataset, derived from its columns. */
export type DatasetValues = { [D in Dataset]: ValuesOf<DefinitionOf<D>> }

type NonEmpty<T> = readonly [T, ...T[]]
function namesOf<D extends Dataset>(kind?: DatasetDefinition['kind']): NonEmpty<D> {
  return DATASET_DEFINITIONS.filter((definition) => kind === undefined || definition.kind === kind).map((definition) => definition.name) as unknown as NonEmpty<D>
}

export const DATASETS: NonEmpty<Dataset> = namesOf()
export const DAILY_DATASETS: NonEmpty<DailyDataset> = namesOf('daily')
/** The daily datasets of one row per stock and day: what loading "every dataset of a day" means. */
export const DAY_GRAIN_DATASETS = DATASET_DEFINITIONS.filter((definition) => definition.kind === 'daily' && !('grain' in definition)).map(
  (definition) => definition.name,
) as unknown as NonEmpty<DayGrainDataset>
export const REFERENCE_DATASETS: NonEmpty<ReferenceDataset> = namesOf('reference')

const BY_NAME = new Map<string, DatasetDefinition>(DATASET_DEFINITIONS.map((definition) => [definition.name, definition]))

/** The definition of a dataset; an unknown name (from input) is an error, never a guess. */
export function datasetDefinition<D extends Dataset>(dataset: D): DefinitionOf<D>
export function datasetDefinition(dataset: string): DatasetDefinition
export function datasetDefinition(dataset: string): DatasetDefinition {
  const definition = BY_NAME.get(dataset)
  if (!definition) throw new Error(`unknown dataset "${dataset}" (one of ${DATASETS.join(', ')})`)
  return definition
}
