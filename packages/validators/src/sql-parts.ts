import { sql, type RawBuilder } from 'kysely'
import type { DatasetSpec } from './datasets.ts'

// Small SQL fragments the rules share. Identifiers come from DatasetSpec or literals here;
// values (batch id, dates, thresholds) always travel as parameters.

type Fragment = RawBuilder<unknown>

export const stagingTable = (spec: DatasetSpec) => sql.table(spec.stagingTable)
export const productionTable = (spec: DatasetSpec) => sql.table(spec.productionTable)

/** `alias.name` as a quoted reference. */
export const col = (alias: string, name: string) => sql.ref(`${alias}.${name}`)

export const batchParam = (batchId: string) => sql`${batchId}::uuid`
export const dateParam = (date: string) => sql`${date}::date`

/** A numeric or bigint value as text without trailing zeros (`150000`, not `150000.00`). */
export const show = (expression: Fragment) => sql<string>`coalesce(trim_scale(${expression}::numeric)::text, 'null')`

export const showDate = (expression: Fragment) => sql<string>`to_char(${expression}, 'YYYY-MM-DD')`

/** Korea's time zone: a minute bar's trade date and clock are read in it, whatever the session's. */
export const SEOUL = sql.lit('Asia/Seoul')

/** The trade date of the key date column's value: itself, or a timestamp's date in Korea. */
export const tradeDateOf = (spec: DatasetSpec, expression: Fragment) => (spec.keyTimestamp ? sql`(${expression} at time zone ${SEOUL})::date` : expression)

/** The key date as sample keys show it: `2024-01-02`, or a timestamp's minute in Korea, `2024-01-02T09:01`. */
export const showKeyDate = (spec: DatasetSpec, expression: Fragment) =>
  spec.keyTimestamp ? sql<string>`to_char(${expression} at time zone ${SEOUL}, 'YYYY-MM-DD"T"HH24:MI')` : showDate(expression)

/**
 * The key date column of rows on one trade date: `time = day`, or for timestamps the day's
 * range in Korea, which an index on the column can serve.
 */
export function onTradeDate(spec: DatasetSpec, expression: Fragment, tradeDate: string): RawBuilder<boolean> {
  if (!spec.keyTimestamp) return sql<boolean>`${expression} = ${dateParam(tradeDate)}`
  return sql<boolean>`${expression} >= (${dateParam(tradeDate)}::timestamp at time zone ${SEOUL})
    and ${expression} < ((${dateParam(tradeDate)} + 1)::timestamp at time zone ${SEOUL})`
}

/** True when every listed column of `alias` is non-null. */
export const allPresent = (alias: string, columns: readonly string[]) =>
  sql<boolean>`(${sql.join(columns.map((c) => sql`${col(alias, c)} is not null`), sql` and `)})`

/**
 * `005930@2024-01-02`, `005930/individual@2024-01-02`, `152100/KRD010010001@2021-04-02`,
 * `1/028/005930`, `005930`, `2024-01-02`; `row 17` when a key column is null.
 */
export function rowKey(spec: DatasetSpec, alias: string): RawBuilder<string> {
  const parts: Fragment[] = []
  if (spec.entityColumns.length > 0) parts.push(sql.join(spec.entityColumns.map((c) => col(alias, c)), sql` || '/' || `))
  if (spec.keyDateColumn) parts.push(showKeyDate(spec, col(alias, spec.keyDateColumn)))
  return sql<string>`case when ${allPresent(alias, spec.keyColumns)}
    then ${sql.join(parts, sql` || '@' || `)}
    else 'row ' || ${col(alias, 'row_number')} end`
}

/** `005930@2024-01-02`: one key per stock and day, for rules that judge a stock as a whole. */
export function stockKey(spec: DatasetSpec, alias: string): RawBuilder<string> {
  return sql<string>`coalesce(${col(alias, 'stock_code')} || '@' || ${showDate(tradeDateOf(spec, col(alias, 'time')))}, 'row ' || ${col(alias, 'row_number')})`
}

/**
 * `text[]` of the reasons whose condition holds; a null condition (a value missing) yields no
 * reason, so rules need not guard against nulls the schema rule already reports. Most rows have
 * none: for them only the conditions are evaluated, no array is built.
 */
export function reasonsWhen(cases: ReadonlyArray<readonly [condition: Fragment, reason: Fragment]>): RawBuilder<string[]> {
  const any = sql.join(cases.map(([condition]) => sql`(${condition})`), sql` or `)
  const all = sql.join(cases.map(([condition, reason]) => sql`case when ${condition} then ${reason} end`))
  return sql<string[]>`case when ${any} then array_remove(array[${all}]::text[], null) else '{}'::text[] end`
}

/** True while no earlier rule has rejected the row. */
export const notRejected = (alias: string) => sql<boolean>`coalesce(cardinality(${col(alias, 'reject_reasons')}), 0) = 0`
