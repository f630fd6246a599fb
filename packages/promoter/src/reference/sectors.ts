import { sql } from 'kysely'
import type { ReferencePromoter } from './types.ts'

/**
 * Each (market, name) becomes a `sectors` row (created when missing, never renamed), and each
 * stock of the batch that the master knows points at its sector. Stocks the batch leaves out
 * keep their link (a screen can miss rows); stocks the master does not know yet are counted
 * (the validators warned about them) and linked by a later run once the master has them.
 */
export const promoteSectors: ReferencePromoter = async (trx, batch) => {
  const valid = sql`s.batch_id = ${batch.batchId}::uuid and s.validation_status = 'valid'`
  const created = await sql`
    insert into sectors (market, name, source)
    select distinct s.market, s.name, ${batch.source} from staging.sectors s where ${valid}
    on conflict (market, name) do nothing`.execute(trx)
  const linked = await sql`
    update stocks p set sector_id = c.sector_id, updated_at = now()
    from staging.sectors s
    join sectors c on c.market = s.market and c.name = s.name
    where ${valid} and p.stock_code = s.stock_code and p.sector_id is distinct from c.sector_id`.execute(trx)
  const { rows } = await sql<{ unknown: number }>`
    select count(*)::int as unknown from staging.sectors s
    where ${valid} and not exists (select 1 from stocks p where p.stock_code = s.stock_code)`.execute(trx)
  const counts = { created: Number(created.numAffectedRows ?? 0n), linked: Number(linked.numAffectedRows ?? 0n) }
  return {
    promoted: counts.created + counts.linked,
    details: { sectors_created: counts.created, stocks_linked: counts.linked, unknown_stocks: rows[0]!.unknown },
  }
}
