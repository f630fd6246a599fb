import { sql, type Kysely } from 'kysely'

/**
 * Quarantine: every collected row lands here first, typed but unconstrained, with its raw
 * source values, so a row that fails validation is kept with its reasons instead of lost.
 * Columns not named here are the dataset's canonical columns, all nullable.
 */
const DATASET_COLUMNS: Record<string, string> = {
  ohlcv_daily: `stock_code text, time date, open numeric, high numeric, low numeric, close numeric,
    volume bigint, trading_value bigint, change numeric, change_rate numeric`,
  market_cap_daily: `stock_code text, time date, close numeric, market_cap bigint, listed_shares bigint`,
  investor_trading: `stock_code text, investor_type text, time date, sell_volume bigint, buy_volume bigint,
    net_volume bigint, sell_value bigint, buy_value bigint, net_value bigint`,
  ohlcv_minute: `stock_code text, time timestamptz, open numeric, high numeric, low numeric, close numeric,
    volume bigint, trading_value bigint`,
  stocks: `stock_code text, isin text, name text, short_name text, english_name text, market text,
    market_segment text, security_group text, share_class text, par_value numeric, listed_shares bigint,
    listing_date date, delisting_date date, delisting_reason text, sector_name text`,
  sectors: `market text, name text, stock_code text`,
  index_components: `index_code text, index_name text, stock_code text, snapshot_date date`,
  floating_shares: `stock_code text, effective_date date, total_shares bigint, floating_shares bigint, floating_ratio numeric`,
  etf_portfolios: `etf_code text, trade_date date, component_code text, component_isin text, component_name text,
    component_market text, security_group text, shares_per_cu numeric, valuation_amount numeric,
    component_amount numeric, weight_pct numeric`,
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema staging`.execute(db)
  await sql`
    create table staging.batches (
      batch_id uuid primary key,
      run_id uuid not null,
      dataset text not null,
      source text not null,
      partition_key text not null,
      row_count integer not null default 0,
      status text not null default 'loaded' check (status in ('loaded', 'validated', 'promoted', 'failed')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index batches_dataset_partition_idx on staging.batches (dataset, partition_key, created_at desc)`.execute(db)

  // Validation updates every freshly loaded row once (status, reasons); half-empty pages let
  // those updates stay on the same page (HOT) instead of rewriting every index entry:
  // marking 1M rows went from 6.7 s to under 1 s.
  for (const [dataset, columns] of Object.entries(DATASET_COLUMNS)) {
    await sql`
      create table ${sql.table(`staging.${dataset}`)} (
        batch_id uuid not null,
        row_number integer not null,
        ${sql.raw(columns)},
        raw jsonb,
        parse_errors text[],
        validation_status text not null default 'pending' check (validation_status in ('pending', 'valid', 'rejected')),
        reject_reasons text[],
        warnings text[],
        primary key (batch_id, row_number)
      ) with (fillfactor = 50)`.execute(db)
  }
}
