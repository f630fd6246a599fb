import { KRX_TICK_ERAS, MARKETS, mergedBands, tickEraOn, type Market, type TickBands, type TickEra } from '@kmd/core'
import { sql, type RawBuilder } from 'kysely'

// The SQL form of core's dated KRX tick tables (krx-price-rules.ts). A batch has one trade
// date, so the table is chosen here and only the market is left to the row.

/** `bands` as a SQL CASE over `price`. */
function bandsSql(price: RawBuilder<unknown>, bands: TickBands): RawBuilder<number> {
  const bounded = bands.filter(([below]) => Number.isFinite(below))
  const last = bands[bands.length - 1]![1]
  return sql<number>`(case ${sql.join(
    bounded.map(([below, tick]) => sql`when ${price} < ${sql.lit(below)} then ${sql.lit(tick)}`),
    sql` `,
  )} else ${sql.lit(last)} end)`
}

/** The era's markets grouped by the table they share, in MARKETS order. */
function marketsByTable(era: TickEra): Map<TickBands, Market[]> {
  const groups = new Map<TickBands, Market[]>()
  for (const market of MARKETS) groups.set(era.bands[market], [...(groups.get(era.bands[market]) ?? []), market])
  return groups
}

/** True when every market of the era shares one table: a row's market does not matter. */
export function oneTableForAllMarkets(era: TickEra): boolean {
  return marketsByTable(era).size === 1
}

/**
 * The tick of `price` in `era` for a row on `market` (a text expression, null when the stock's
 * market on that day is not known): that market's table, else the era's finest table, whose
 * grid holds every market's prices, so an unknown market never rejects a real price. When all
 * markets share one table the market is not read.
 */
export function tickSizeSql(price: RawBuilder<unknown>, era: TickEra, market: RawBuilder<unknown>): RawBuilder<number> {
  const groups = marketsByTable(era)
  if (groups.size === 1) return bandsSql(price, [...groups.keys()][0]!)
  const branches = [...groups].map(([bands, markets]) => sql`when ${market} in (${sql.join(markets.map((m) => sql.lit(m)))}) then ${bandsSql(price, bands)}`)
  return sql<number>`(case ${sql.join(branches, sql` `)} else ${bandsSql(price, mergedBands(era, 'finest'))} end)`
}

/**
 * The largest tick any market has at `price` on `tradeDate`: one tick of tolerance around a
 * price-limit band whatever the stock's market. Before the first known table the oldest one
 * stands in: a tolerance forgives a rounded limit, it judges no grid.
 */
export function toleranceTickSql(price: RawBuilder<unknown>, tradeDate: string): RawBuilder<number> {
  const era = tickEraOn(tradeDate) ?? KRX_TICK_ERAS[KRX_TICK_ERAS.length - 1]!
  return bandsSql(price, mergedBands(era, 'coarsest'))
}
