import { sql, type Transaction } from 'kysely'
import type { Database } from '@kmd/db'
import { StaleSnapshotError } from '../errors.ts'
import type { ReferenceBatch, ReferencePromoter } from './types.ts'

/**
 * Turns the batch's snapshot of each index it holds (members on date D) into membership
 * intervals [effective_date, end_date):
 * - a member without an open interval opens one on D;
 * - an open interval whose stock is not in the snapshot closes on D;
 * - a member with an open interval keeps it.
 * A second snapshot of the same date replaces the first: intervals it opened on D for stocks no
 * longer listed are removed, intervals it closed on D for stocks listed again are reopened, so a
 * re-run changes nothing and a corrected snapshot leaves no trace of the wrong one.
 * Indexes the batch does not hold are untouched. Every applied snapshot is registered in
 * index_snapshots; a snapshot older than the latest one of its index is refused
 * (StaleSnapshotError) rather than inserted into the past: load snapshots in date order.
 * The validators' snapshot_complete rule keeps an index with a rejected member out whole, so
 * a missing row never closes a membership.
 */
export const promoteIndexComponents: ReferencePromoter = async (trx, batch) => {
  await refuseStaleSnapshot(trx, batch)
  const snapshotDate = sql`${batch.tradeDate}::date`
  const valid = sql`s.batch_id = ${batch.batchId}::uuid and s.validation_status = 'valid'`
  const inBatch = sql`p.index_code in (select s.index_code from staging.index_components s where ${valid})`
  // IN / NOT IN over the batch are hashed subplans, robust to staged rows without statistics.
  const member = sql`(p.index_code, p.stock_code) in (select s.index_code, s.stock_code from staging.index_components s where ${valid})`
  const notMember = sql`(p.index_code, p.stock_code) not in (select s.index_code, s.stock_code from staging.index_components s where ${valid})`

  const reopened = await sql`
    update index_components p set end_date = null, updated_at = now()
    where ${inBatch} and p.end_date = ${snapshotDate} and ${member}`.execute(trx)
  const removed = await sql`
    delete from index_components p
    where ${inBatch} and p.end_date is null and p.effective_date = ${snapshotDate} and ${notMember}`.execute(trx)
  const closed = await sql`
    update index_components p set end_date = ${snapshotDate}, updated_at = now()
    where ${inBatch} and p.end_date is null and p.effective_date < ${snapshotDate} and ${notMember}`.execute(trx)
  const opened = await sql`
    insert into index_components (index_code, index_name, stock_code, effective_date, source)
    select s.index_code, s.index_name, s.stock_code, ${snapshotDate}, ${batch.source}
    from staging.index_components s
    where ${valid}
      and not exists (select 1 from index_components p where p.index_code = s.index_code and p.stock_code = s.stock_code and p.end_date is null)`.execute(trx)
  const registered = await sql`
    insert into index_snapshots (index_code, snapshot_date, member_count, source, batch_id)
    select s.index_code, ${snapshotDate}, count(distinct s.stock_code)::int, ${batch.source}, ${batch.batchId}::uuid
    from staging.index_components s where ${valid}
    group by s.index_code
    on conflict (index_code, snapshot_date) do update set
      member_count = excluded.member_count, source = excluded.source, batch_id = excluded.batch_id, updated_at = now()`.execute(trx)

  const counts = {
    intervals_opened: Number(opened.numAffectedRows ?? 0n),
    intervals_closed: Number(closed.numAffectedRows ?? 0n),
    intervals_reopened: Number(reopened.numAffectedRows ?? 0n),
    intervals_removed: Number(removed.numAffectedRows ?? 0n),
  }
  return {
    promoted: counts.intervals_opened + counts.intervals_closed + counts.intervals_reopened + counts.intervals_removed,
    details: { ...counts, indexes: Number(registered.numAffectedRows ?? 0n) },
  }
}

/**
 * The latest snapshot each of the batch's indexes already has: the register, or the interval
 * dates for rows written before it existed.
 */
async function refuseStaleSnapshot(trx: Transaction<Database>, batch: ReferenceBatch): Promise<void> {
  const { rows } = await sql<{ index_code: string; latest: string }>`
    with indexes as (
      select distinct s.index_code from staging.index_components s
      where s.batch_id = ${batch.batchId}::uuid and s.validation_status = 'valid'
    ),
    latest as (
      select i.index_code, greatest(
        (select max(x.snapshot_date) from index_snapshots x where x.index_code = i.index_code),
        (select max(greatest(p.effective_date, p.end_date)) from index_components p where p.index_code = i.index_code)) as day
      from indexes i
    )
    select index_code, to_char(day, 'YYYY-MM-DD') as latest from latest
    where day > ${batch.tradeDate}::date
    order by index_code`.execute(trx)
  if (rows.length === 0) return
  const shown = rows.map((row) => `${row.index_code} has a snapshot of ${row.latest}`).join(', ')
  throw new StaleSnapshotError(
    `index_components snapshot of ${batch.tradeDate} is older than the latest one applied (${shown}); ` +
      'out-of-order snapshots are refused, not inserted into the past: load them in date order',
  )
}
