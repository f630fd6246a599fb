import type { ColumnType } from 'kysely'

/**
 * How columns read and write through Kysely: numeric columns come back as strings (exact),
 * bigint as numbers, date as 'YYYY-MM-DD' strings (no time zone can shift a trade date),
 * timestamptz as Date.
 */
export type Numeric = ColumnType<string, string | number, string | number>
export type NullableNumeric = ColumnType<string | null, string | number | null, string | number | null>
export type DateColumn = string
export type NullableDate = string | null
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
export type Json = ColumnType<unknown, string, string>
