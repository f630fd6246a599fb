import { sql, type Kysely } from 'kysely'
import { stockCodeCheck } from './_shared.ts'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table market_calendar (
      trade_date date primary key,
      is_trading_day boolean not null,
      open_time time,
      close_time time,
      holiday_name text,
      source text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (not is_trading_day or (open_time is not null and close_time is not null and open_time < close_time))
    )`.execute(db)

  await sql`
    create table sectors (
      sector_id integer generated always as identity primary key,
      market text not null check (market in ('KOSPI', 'KOSDAQ', 'KONEX')),
      name text not null check (name <> ''),
      source text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (market, name)
    )`.execute(db)

  await sql`
    create table stocks (
      stock_code varchar(6) primary key ${stockCodeCheck('stock_code')},
      isin char(12) not null unique check (isin ~ '^[A-Z]{2}[0-9A-Z]{9}[0-9]$'),
      name text not null,
      short_name text,
      english_name text,
      market text not null check (market in ('KOSPI', 'KOSDAQ', 'KONEX')),
      market_segment text,
      security_group text,
      share_class text,
      par_value numeric(18, 4),
      listed_shares bigint check (listed_shares >= 0),
      listing_date date,
      delisting_date date,
      delisting_reason text,
      is_active boolean not null default true,
      sector_id integer references sectors (sector_id),
      source text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (is_active = (delisting_date is null))
    )`.execute(db)

  // A stock's name, market or segment as it was over a period: changes are kept, not overwritten.
  await sql`
    create table stock_history (
      stock_code varchar(6) not null references stocks (stock_code),
      valid_from date not null,
      valid_to date,
      name text not null,
      market text not null,
      market_segment text,
      source text not null,
      recorded_at timestamptz not null default now(),
      primary key (stock_code, valid_from),
      check (valid_to is null or valid_to > valid_from)
    )`.execute(db)

  // The eleven leaf investor groups KRX reports; their nets sum to zero for every stock and day.
  await sql`
    create table investor_types (
      investor_type text primary key,
      krx_code char(4) not null unique,
      name_ko text not null,
      is_institution boolean not null,
      is_pension boolean not null default false,
      display_order smallint not null unique
    )`.execute(db)
  await sql`
    insert into investor_types (investor_type, krx_code, name_ko, is_institution, is_pension, display_order) values
      ('financial_investment', '1000', '금융투자', true, false, 1),
      ('insurance', '2000', '보험', true, false, 2),
      ('investment_trust', '3000', '투신', true, false, 3),
      ('private_equity', '3100', '사모', true, false, 4),
      ('bank', '4000', '은행', true, false, 5),
      ('other_financial', '5000', '기타금융', true, false, 6),
      ('pension_fund', '6000', '연기금 등', true, true, 7),
      ('other_corporation', '7100', '기타법인', false, false, 8),
      ('individual', '8000', '개인', false, false, 9),
      ('foreign', '9000', '외국인', false, false, 10),
      ('other_foreign', '9001', '기타외국인', false, false, 11)`.execute(db)

  await sql`
    create table index_components (
      index_code text not null check (index_code ~ '^[0-9]/[0-9A-Z]{3}$'),
      index_name text,
      stock_code varchar(6) not null ${stockCodeCheck('stock_code')},
      effective_date date not null,
      end_date date,
      source text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (index_code, stock_code, effective_date),
      check (end_date is null or end_date > effective_date)
    )`.execute(db)
  await sql`create index index_components_open_idx on index_components (index_code) where end_date is null`.execute(db)

  await sql`
    create table floating_shares (
      stock_code varchar(6) not null ${stockCodeCheck('stock_code')},
      effective_date date not null,
      total_shares bigint not null check (total_shares > 0),
      floating_shares bigint not null check (floating_shares > 0),
      floating_ratio numeric(7, 4) not null check (floating_ratio > 0 and floating_ratio <= 100),
      source text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (stock_code, effective_date),
      check (floating_shares <= total_shares)
    )`.execute(db)

  // One ETF's portfolio deposit file (PDF) per day. Components are stocks, futures, bonds and
  // cash lines, so component_code is not a stock code; shares per CU may be negative (inverse).
  await sql`
    create table etf_portfolios (
      etf_code varchar(6) not null ${stockCodeCheck('etf_code')},
      trade_date date not null,
      component_code text not null,
      component_isin text,
      component_name text not null,
      component_market text,
      security_group text,
      shares_per_cu numeric(24, 2),
      valuation_amount numeric(24, 2),
      component_amount numeric(24, 2),
      weight_pct numeric(9, 4),
      source text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (etf_code, trade_date, component_code)
    )`.execute(db)
}
