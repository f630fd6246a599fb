import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type {
  CanonicalRecord,
  DatasetValues,
  EtfPortfolioValues,
  IndexComponentValues,
  ReferenceDataset,
} from '@kmd/core'
import type { Database, MarketDatabase } from '@kmd/db'
import { loadBatch } from '@kmd/staging-loader'
import type { ValidationTarget } from '../src/index.ts'

// Helpers for the reference-dataset rule tests: batches are built as CollectedBatch objects and
// staged by the real staging loader, as a collector's batch would be.

export type Row<D extends ReferenceDataset> = DatasetValues[D] & { parseErrors?: string[] }

export async function stageReference<D extends ReferenceDataset>(
  database: MarketDatabase,
  dataset: D,
  tradeDate: string,
  rows: Array<Row<D>>,
): Promise<ValidationTarget> {
  const runId = randomUUID()
  const batchId = randomUUID()
  const records = rows.map(({ parseErrors, ...values }): CanonicalRecord<DatasetValues[D]> => ({
    values: values as unknown as DatasetValues[D],
    raw: { ...values },
    parseErrors: parseErrors ?? [],
  }))
  await loadBatch(database, { dataset, source: 'krx', tradeDate, records, nonTradingDay: false, requestCount: 1 }, { runId, batchId, partitionKey: tradeDate })
  return { runId, batchId, dataset, source: 'krx', partitionKey: tradeDate, tradeDate }
}

export interface Mark {
  row_number: number
  validation_status: 'pending' | 'valid' | 'rejected'
  reject_reasons: string[] | null
  warnings: string[] | null
}

export async function marksOf(db: Kysely<Database>, target: ValidationTarget): Promise<Mark[]> {
  const { rows } = await sql<Mark>`
    select row_number, validation_status, reject_reasons, warnings
    from ${sql.table(`staging.${target.dataset}`)}
    where batch_id = ${target.batchId}::uuid
    order by row_number`.execute(db)
  return rows
}

export async function checksOf(db: Kysely<Database>, runId: string) {
  return db.selectFrom('data_quality_checks').selectAll().where('run_id', '=', runId).orderBy('id').execute()
}

/** A listed KOSPI stock with an ISIN derived from its code. */
export function stock(code: string, overrides: Partial<Row<'stocks'>> = {}): Row<'stocks'> {
  return {
    stock_code: code,
    isin: `KR7${code}00${code.charCodeAt(5) % 10}`,
    name: `종목${code}`,
    short_name: null,
    english_name: null,
    market: 'KOSPI',
    market_segment: null,
    security_group: '주권',
    share_class: '보통주',
    par_value: '100',
    listed_shares: 1_000_000,
    listing_date: '2000-01-04',
    delisting_date: null,
    delisting_reason: null,
    sector_name: null,
    ...overrides,
  }
}

/** Puts stocks straight into production, as an earlier promotion would have. */
export async function seedStocks(db: Kysely<Database>, codes: string[], overrides: Partial<Row<'stocks'>> = {}): Promise<void> {
  await db
    .insertInto('stocks')
    .values(
      codes.map((code) => {
        const s = stock(code, overrides)
        return {
          stock_code: code, isin: s.isin!, name: s.name!, market: s.market as 'KOSPI', listing_date: s.listing_date,
          delisting_date: s.delisting_date, is_active: s.delisting_date === null, source: 'test',
        }
      }),
    )
    .execute()
}

export function floating(code: string, overrides: Partial<Row<'floating_shares'>> = {}): Row<'floating_shares'> {
  return { stock_code: code, base_date: '2024-03-29', total_shares: 1_000, floating_shares: 400, floating_ratio: '40', ...overrides }
}

export function member(indexCode: string, code: string, snapshotDate: string): IndexComponentValues {
  return { index_code: indexCode, index_name: null, stock_code: code, snapshot_date: snapshotDate }
}

export function etfLine(etfCode: string, tradeDate: string, overrides: Partial<EtfPortfolioValues> = {}): EtfPortfolioValues {
  return {
    etf_code: etfCode,
    base_date: tradeDate,
    component_code: '005930',
    component_isin: 'KR7005930003',
    component_name: '삼성전자',
    component_market: 'STK',
    security_group: 'ST',
    shares: '100.00',
    valuation_amount: '8000000',
    component_amount: '8000000',
    weight: '50.00',
    ...overrides,
  }
}

/** Six-character codes from a number on, zero-padded. */
export const codes = (count: number, from: number) => Array.from({ length: count }, (_, i) => String(from + i).padStart(6, '0'))
