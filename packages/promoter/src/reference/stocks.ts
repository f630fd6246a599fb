import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from '@kmd/db'
import { StaleSnapshotError } from '../errors.ts'
import type { ReferenceBatch, ReferencePromoter } from './types.ts'

const SHOWN_STALE = 5

// Descriptive columns a source may not carry: null in the batch keeps what production has, so
// a screen without English names does not erase them.
const KEPT_WHEN_NULL = ['short_name', 'english_name', 'security_group', 'share_class', 'par_value', 'listed_shares', 'listing_date'] as const

/**
 * The stock master as of the batch's date D, in one transaction:
 * - upsert by stock_code; the row shows the latest values. A stock with a delisting_date in the
 *   batch becomes inactive with its date and reason (soft delete; stocks are never deleted).
 *   A delisting sticks: a later row without a delisting_date (a screen that still lists the
 *   stock, a source that does not say) keeps it, unless its listing_date is after the
 *   delisting (a relisting), which makes the stock active again.
 * - name, market and market_segment are history: when they change, the open stock_history row
 *   closes on D and a new one opens on D; a stock without history gets its first row from D
 *   (what it was before D is unknown). A second batch of the same date corrects the row it
 *   opened instead of adding one.
 * - a sector_name links stocks.sector_id to sectors (market of the stock), creating the sector
 *   when missing; no sector_name keeps the current link.
 * - stocks absent from the batch are not touched, even when the batch is a full snapshot: a
 *   screen can miss rows, and delistings arrive as rows with a delisting_date.
 * A batch older than the master's date for any of its stocks is refused (StaleSnapshotError):
 * applying it would turn history backwards.
 */
export const promoteStocks: ReferencePromoter = async (trx, batch) => {
  await refuseStaleSnapshot(trx, batch)
  const asOf = sql`${batch.tradeDate}::date`

  const sectors = await sql`
    insert into sectors (market, name, source)
    select distinct s.market, s.sector_name, ${batch.source} from staging.stocks s
    where ${validRows(batch)} and nullif(btrim(s.sector_name), '') is not null
    on conflict (market, name) do nothing`.execute(trx)

  const historyChanged = sql`(h.name, h.market, h.market_segment) is distinct from (i.name, i.market, i.market_segment)`
  const closed = await sql`
    update stock_history h set valid_to = ${asOf}
    from (${incoming(batch)}) i
    where h.stock_code = i.stock_code and h.valid_to is null and h.valid_from < ${asOf} and ${historyChanged}`.execute(trx)
  const corrected = await sql`
    update stock_history h set name = i.name, market = i.market, market_segment = i.market_segment, source = ${batch.source}, recorded_at = now()
    from (${incoming(batch)}) i
    where h.stock_code = i.stock_code and h.valid_to is null and h.valid_from = ${asOf} and ${historyChanged}`.execute(trx)

  const { rows: delisting } = await sql<{ count: number }>`
    select count(*)::int as count from staging.stocks s left join stocks p on p.stock_code = s.stock_code
    where ${validRows(batch)} and s.delisting_date is not null and (p.stock_code is null or p.is_active)`.execute(trx)
  const { rows: written } = await upsertStocks(batch).execute(trx)
  // as_of_date alone is bookkeeping: advanced without counting the row as changed.
  await sql`
    update stocks p set as_of_date = ${asOf}
    from staging.stocks s
    where ${validRows(batch)} and p.stock_code = s.stock_code and (p.as_of_date is null or p.as_of_date < ${asOf})`.execute(trx)

  const opened = await sql`
    insert into stock_history (stock_code, valid_from, name, market, market_segment, source)
    select i.stock_code, ${asOf}, i.name, i.market, i.market_segment, ${batch.source}
    from (${incoming(batch)}) i
    where not exists (select 1 from stock_history h where h.stock_code = i.stock_code and h.valid_to is null)`.execute(trx)

  const inserted = written.filter((row) => row.inserted).length
  return {
    promoted: written.length,
    details: {
      stocks_inserted: inserted,
      stocks_updated: written.length - inserted,
      stocks_delisted: delisting[0]!.count,
      history_opened: Number(opened.numAffectedRows ?? 0n),
      history_closed: Number(closed.numAffectedRows ?? 0n),
      history_corrected: Number(corrected.numAffectedRows ?? 0n),
      sectors_created: Number(sectors.numAffectedRows ?? 0n),
    },
  }
}

const validRows = (batch: ReferenceBatch) => sql`s.batch_id = ${batch.batchId}::uuid and s.validation_status = 'valid'`

/** The batch's valid rows as they will stand in production: kept values filled in, sector resolved. */
function incoming(batch: ReferenceBatch): RawBuilder<unknown> {
  return sql`
    select s.stock_code, s.isin, s.name, s.market,
           case when s.delisting_date is not null then s.delisting_date when k.keeps_delisting then p.delisting_date end as delisting_date,
           case when s.delisting_date is not null then s.delisting_reason when k.keeps_delisting then p.delisting_reason end as delisting_reason,
           coalesce(s.market_segment, p.market_segment) as market_segment,
           ${sql.join(KEPT_WHEN_NULL.map((c) => sql`coalesce(${sql.ref(`s.${c}`)}, ${sql.ref(`p.${c}`)}) as ${sql.ref(c)}`))},
           coalesce(c.sector_id, p.sector_id) as sector_id
    from staging.stocks s
    left join stocks p on p.stock_code = s.stock_code
    left join sectors c on c.market = s.market and c.name = s.sector_name
    cross join lateral (
      select p.delisting_date is not null and coalesce(s.listing_date, p.listing_date, p.delisting_date) <= p.delisting_date as keeps_delisting
    ) k
    where ${validRows(batch)}`
}

const STOCK_COLUMNS = [
  'isin', 'name', 'market', 'market_segment', ...KEPT_WHEN_NULL, 'delisting_date', 'delisting_reason', 'sector_id',
] as const

function upsertStocks(batch: ReferenceBatch): RawBuilder<{ inserted: boolean }> {
  const list = (prefix?: string) => sql.join(STOCK_COLUMNS.map((c) => sql.ref(prefix ? `${prefix}.${c}` : c)))
  return sql<{ inserted: boolean }>`
    insert into stocks (stock_code, ${list()}, is_active, source, as_of_date)
    select i.stock_code, ${list('i')}, i.delisting_date is null, ${batch.source}, ${batch.tradeDate}::date
    from (${incoming(batch)}) i
    on conflict (stock_code) do update set
      ${sql.join(STOCK_COLUMNS.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))},
      is_active = excluded.is_active,
      source = excluded.source,
      updated_at = now()
    where (${list('stocks')}) is distinct from (${list('excluded')})
    returning (xmax = 0) as inserted`
}

/** Refuses the batch when production's master is newer for any of its stocks. */
async function refuseStaleSnapshot(trx: Transaction<Database>, batch: ReferenceBatch): Promise<void> {
  const { rows } = await sql<{ stock_code: string; as_of: string; stale: number }>`
    with known as (
      select p.stock_code, greatest(p.as_of_date, (select max(h.valid_from) from stock_history h where h.stock_code = p.stock_code)) as as_of
      from staging.stocks s join stocks p on p.stock_code = s.stock_code
      where ${validRows(batch)}
    )
    select stock_code, to_char(as_of, 'YYYY-MM-DD') as as_of, (count(*) over ())::int as stale
    from known where as_of > ${batch.tradeDate}::date
    order by as_of desc, stock_code
    limit ${SHOWN_STALE}`.execute(trx)
  if (rows.length === 0) return
  const shown = rows.map((row) => `${row.stock_code} as of ${row.as_of}`).join(', ')
  throw new StaleSnapshotError(
    `stocks batch of ${batch.tradeDate} is older than the stock master already promoted for ${rows[0]!.stale} of its stocks ` +
      `(${shown}${rows[0]!.stale > rows.length ? ', …' : ''}); load stock snapshots in date order`,
  )
}
