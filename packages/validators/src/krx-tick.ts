import { sql, type RawBuilder } from 'kysely'

/**
 * KRX tick sizes (호가가격단위) for stocks, one table for KOSPI and KOSDAQ since 2023-01-25:
 * [price below, tick]. The last band has no upper bound.
 */
export const KRX_TICK_BANDS: ReadonlyArray<readonly [below: number, tick: number]> = [
  [2_000, 1],
  [5_000, 5],
  [20_000, 10],
  [50_000, 50],
  [200_000, 100],
  [500_000, 500],
  [Number.POSITIVE_INFINITY, 1_000],
]

export function tickSize(price: number): number {
  return KRX_TICK_BANDS.find(([below]) => price < below)![1]
}

/** The same table as a SQL CASE over `price`. */
export function tickSizeSql(price: RawBuilder<unknown>): RawBuilder<number> {
  const bounded = KRX_TICK_BANDS.filter(([below]) => Number.isFinite(below))
  const last = KRX_TICK_BANDS[KRX_TICK_BANDS.length - 1]![1]
  return sql<number>`(case ${sql.join(
    bounded.map(([below, tick]) => sql`when ${price} < ${sql.lit(below)} then ${sql.lit(tick)}`),
    sql` `,
  )} else ${sql.lit(last)} end)`
}
