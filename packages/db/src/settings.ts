import { sql, type Kysely } from 'kysely'
import type { Capabilities } from './capabilities.ts'

/**
 * Settings that follow configuration rather than a migration: the minute-bar retention window.
 * Re-applied on every migrate; a changed MINUTE_BARS_RETENTION_DAYS replaces the policy.
 */
export async function applyRetention(db: Kysely<any>, capabilities: Capabilities, retentionDays: number): Promise<string> {
  if (!capabilities.timescaledbInstalled) {
    return 'minute-bar retention needs TimescaleDB: not applied on plain PostgreSQL'
  }
  const { rows } = await sql<{ drop_after: string | null }>`
    select config ->> 'drop_after' as drop_after
    from timescaledb_information.jobs
    where proc_name = 'policy_retention' and hypertable_name = 'ohlcv_minute'`.execute(db)
  const wanted = `${retentionDays} days`
  if (rows[0]?.drop_after === wanted) return `minute-bar retention ${wanted} (unchanged)`
  await db.transaction().execute(async (trx) => {
    await sql`select remove_retention_policy('ohlcv_minute', if_exists => true)`.execute(trx)
    await sql`select add_retention_policy('ohlcv_minute', drop_after => make_interval(days => ${retentionDays}))`.execute(trx)
  })
  return `minute-bar retention set to ${wanted}`
}
