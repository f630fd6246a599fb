import { sql, type Kysely } from 'kysely'
import { stockCodeCheck, type MigrationContext } from './_shared.ts'

// Audit columns every production row carries: which source delivered it, in which batch.
const AUDIT_COLUMNS = sql.raw(`
  source text not null,
  batch_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()`)

const PRICE = sql.raw('numeric(16, 2)')

export async function up(db: Kysely<any>, context: MigrationContext): Promise<void> {
  // Daily tables key on the trade date (a KST calendar day), stored as `date`: no time zone
  // can shift a bar onto the neighbouring day.
  await sql`
    create table ohlcv_daily (
      stock_code varchar(6) not null ${stockCodeCheck('stock_code')},
      time date not null,
      -- open/high/low are null on a day without trades (a halted stock: KRX sends 0 for them
      -- and the previous close as close).
      open ${PRICE},
      high ${PRICE},
      low ${PRICE},
      close ${PRICE} not null check (close > 0),
      volume bigint not null check (volume >= 0),
      -- null only when the delivering source does not report it (Naver's daily page).
      trading_value bigint check (trading_value >= 0),
      change ${PRICE},
      change_rate numeric(9, 2),
      ${AUDIT_COLUMNS},
      primary key (stock_code, time),
      check (
        (open is null and high is null and low is null and volume = 0)
        or (low > 0 and low <= open and low <= close and high >= open and high >= close)
      )
    )`.execute(db)

  await sql`
    create table market_cap_daily (
      stock_code varchar(6) not null ${stockCodeCheck('stock_code')},
      time date not null,
      close ${PRICE},
      market_cap bigint not null check (market_cap >= 0),
      listed_shares bigint not null check (listed_shares >= 0),
      ${AUDIT_COLUMNS},
      primary key (stock_code, time)
    )`.execute(db)

  await sql`
    create table investor_trading (
      stock_code varchar(6) not null ${stockCodeCheck('stock_code')},
      investor_type text not null references investor_types (investor_type),
      time date not null,
      sell_volume bigint not null check (sell_volume >= 0),
      buy_volume bigint not null check (buy_volume >= 0),
      net_volume bigint not null,
      sell_value bigint not null check (sell_value >= 0),
      buy_value bigint not null check (buy_value >= 0),
      net_value bigint not null,
      ${AUDIT_COLUMNS},
      primary key (stock_code, investor_type, time),
      check (net_volume = buy_volume - sell_volume and net_value = buy_value - sell_value)
    )`.execute(db)

  await sql`
    create table ohlcv_minute (
      stock_code varchar(6) not null ${stockCodeCheck('stock_code')},
      time timestamptz not null,
      open ${PRICE} not null,
      high ${PRICE} not null,
      low ${PRICE} not null,
      close ${PRICE} not null,
      volume bigint not null check (volume >= 0),
      trading_value bigint check (trading_value >= 0),
      ${AUDIT_COLUMNS},
      primary key (stock_code, time),
      check (low <= open and low <= close and high >= open and high >= close)
    )`.execute(db)

  // Queries by day across all stocks ("the whole market on one date") use these.
  for (const table of ['ohlcv_daily', 'market_cap_daily', 'investor_trading', 'ohlcv_minute']) {
    await sql`create index ${sql.raw(`${table}_time_idx`)} on ${sql.table(table)} (time desc)`.execute(db)
  }

  if (!context.timescaledb) return

  // Chunks: daily tables hold ~2,700 stocks x ~250 days a year, so year-long chunks give every
  // stock more than 100 rows per chunk, which columnar compression needs to pay off. Minute
  // bars (~500k rows a day) get one-day chunks.
  const hypertables: Array<{ table: string; chunk: string; compressAfter: string; orderBy: string }> = [
    { table: 'ohlcv_daily', chunk: '365 days', compressAfter: '180 days', orderBy: 'time desc' },
    { table: 'market_cap_daily', chunk: '365 days', compressAfter: '180 days', orderBy: 'time desc' },
    { table: 'investor_trading', chunk: '365 days', compressAfter: '180 days', orderBy: 'time desc, investor_type' },
    { table: 'ohlcv_minute', chunk: '1 day', compressAfter: '7 days', orderBy: 'time desc' },
  ]
  for (const { table, chunk, compressAfter, orderBy } of hypertables) {
    await sql`select create_hypertable(${table}::regclass, by_range('time', ${sql.lit(chunk)}::interval))`.execute(db)
    await sql`
      alter table ${sql.table(table)} set (
        timescaledb.compress,
        timescaledb.compress_segmentby = 'stock_code',
        timescaledb.compress_orderby = ${sql.lit(orderBy)}
      )`.execute(db)
    await sql`select add_compression_policy(${table}::regclass, ${sql.lit(compressAfter)}::interval)`.execute(db)
  }
}
