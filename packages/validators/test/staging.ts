import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DailyDataset } from '@kmd/core'
import type { Database } from '@kmd/db'
import type { ValidationTarget } from '../src/index.ts'

// Helpers shared by the validator tests: stage rows as the staging loader would, read back
// their marks, seed the production rows some rules compare against.

export type StagedRow = Record<string, unknown>

export function newTarget(dataset: DailyDataset, tradeDate: string): ValidationTarget {
  return { runId: randomUUID(), batchId: randomUUID(), dataset, source: 'krx', partitionKey: tradeDate, tradeDate }
}

/**
 * Inserts rows into staging.<dataset>, numbered 1… in order, dated on the trade date unless a
 * row says otherwise. Their well-formed stock codes are listed in the stock master first (listed
 * 2000-01-04, as a running system's master would list them), except those in `unlisted`, or
 * none with `master: false`.
 */
export async function stage(
  db: Kysely<Database>,
  target: ValidationTarget,
  rows: StagedRow[],
  options: { master?: boolean; unlisted?: readonly string[] } = {},
): Promise<void> {
  if (rows.length === 0) return
  if (options.master !== false) {
    const codes = new Set(rows.map((row) => row.stock_code).filter((code): code is string => typeof code === 'string' && /^[0-9A-Z]{6}$/.test(code)))
    for (const code of options.unlisted ?? []) codes.delete(code)
    await listStocks(db, [...codes])
  }
  await db
    .insertInto(`staging.${target.dataset}` as any)
    .values(
      rows.map(({ parse_errors: parseErrors, ...row }, index) => ({
        batch_id: target.batchId,
        row_number: index + 1,
        time: target.tradeDate,
        ...row,
        parse_errors: Array.isArray(parseErrors) ? sql`array[${sql.join(parseErrors)}]::text[]` : null,
      })),
    )
    .execute()
}

/**
 * An OHLCV bar that passes every rule: traded, consistent, value inside the range, on the tick
 * grid, unchanged from the previous close (pass `change` when production holds another one).
 */
export function bar(stockCode: string, close: number, overrides: StagedRow = {}): StagedRow {
  return {
    stock_code: stockCode,
    open_price: close,
    high_price: close,
    low_price: close,
    close_price: close,
    volume: 100,
    trading_value: close * 100,
    change: 0,
    ...overrides,
    // The rate a source would print for the change, unless the test sets one.
    change_rate: 'change_rate' in overrides ? overrides.change_rate : rateOf(close, overrides.change ?? 0),
  }
}

function rateOf(close: number, change: unknown): number | null {
  if (typeof change !== 'number' || close - change <= 0) return 0
  return Math.round((change / (close - change)) * 10_000) / 100
}

export interface Marked {
  row_number: number
  key: string
  validation_status: 'pending' | 'valid' | 'rejected'
  reject_reasons: string[] | null
  warnings: string[] | null
}

export async function marks(db: Kysely<Database>, target: ValidationTarget): Promise<Marked[]> {
  const { rows } = await sql<Marked>`
    select row_number, coalesce(stock_code, '?') as key, validation_status, reject_reasons, warnings
    from ${sql.table(`staging.${target.dataset}`)}
    where batch_id = ${target.batchId}::uuid
    order by row_number`.execute(db)
  return rows
}

export async function statusByRow(db: Kysely<Database>, target: ValidationTarget): Promise<Record<number, string>> {
  return Object.fromEntries((await marks(db, target)).map((m) => [m.row_number, m.validation_status]))
}

export async function seedOhlcv(db: Kysely<Database>, date: string, closes: Record<string, number>): Promise<void> {
  await db
    .insertInto('ohlcv_daily')
    .values(
      Object.entries(closes).map(([stock_code, close]) => ({
        stock_code, time: date, open_price: close, high_price: close, low_price: close, close_price: close, volume: 100, trading_value: close * 100, source: 'test',
      })),
    )
    .execute()
}

/** market_cap_daily rows with these listed shares (close 1,000, market cap to match). */
export async function seedMarketCap(db: Kysely<Database>, date: string, shares: Record<string, number>): Promise<void> {
  await db
    .insertInto('market_cap_daily')
    .values(Object.entries(shares).map(([stock_code, listed]) => ({ stock_code, time: date, close_price: 1000, shares_outstanding: listed, market_cap: listed * 1000, source: 'test' })))
    .execute()
}

export async function checkRows(db: Kysely<Database>, runId: string) {
  return db.selectFrom('data_quality_checks').selectAll().where('run_id', '=', runId).orderBy('id').execute()
}

/** Lists codes in the stock master (skipping codes already there), listed since `listingDate`. */
export async function listStocks(db: Kysely<Database>, codes: readonly string[], listingDate = '2000-01-04'): Promise<void> {
  if (codes.length === 0) return
  await db
    .insertInto('stocks')
    .values(codes.map((code) => ({ stock_code: code, isin: `KR7${code}000`, name: `종목${code}`, market: 'KOSPI', listing_date: listingDate, source: 'test' })))
    .onConflict((conflict) => conflict.column('stock_code').doNothing())
    .execute()
}
