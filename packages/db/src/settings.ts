import { sql, type Kysely } from 'kysely'
import type { Capabilities } from './capabilities.ts'

/** How long minute bars stay uncompressed and how long they are kept (MINUTE_BARS_* settings). */
export interface MinuteBarPolicies {
  compressAfterDays: number
  retentionDays: number
}

/**
 * Settings that follow configuration rather than a migration: when minute bars are compressed
 * (segmented by stock, migration 0002) and when they are dropped. Re-applied on every migrate;
 * a changed setting replaces its TimescaleDB policy, an unchanged one is left alone. One line
 * per policy says what holds.
 */
export async function applyMinuteBarPolicies(db: Kysely<any>, capabilities: Capabilities, policies: MinuteBarPolicies): Promise<string[]> {
  if (!capabilities.timescaledbInstalled) {
    return ['minute-bar compression and retention need TimescaleDB: not applied on plain PostgreSQL']
  }
  return [
    await replacePolicy(db, { proc: 'policy_compression', setting: 'compress_after', noun: 'minute-bar compression after', days: policies.compressAfterDays }),
    await replacePolicy(db, { proc: 'policy_retention', setting: 'drop_after', noun: 'minute-bar retention', days: policies.retentionDays }),
  ]
}

async function replacePolicy(
  db: Kysely<any>,
  policy: { proc: 'policy_compression' | 'policy_retention'; setting: 'compress_after' | 'drop_after'; noun: string; days: number },
): Promise<string> {
  const { rows } = await sql<{ current: string | null }>`
    select config ->> ${policy.setting} as current
    from timescaledb_information.jobs
    where proc_name = ${policy.proc} and hypertable_name = 'ohlcv_minute'`.execute(db)
  const wanted = `${policy.days} days`
  if (rows[0]?.current === wanted) return `${policy.noun} ${wanted} (unchanged)`
  await db.transaction().execute(async (trx) => {
    if (policy.proc === 'policy_compression') {
      await sql`select remove_compression_policy('ohlcv_minute', if_exists => true)`.execute(trx)
      await sql`select add_compression_policy('ohlcv_minute', compress_after => make_interval(days => ${policy.days}))`.execute(trx)
    } else {
      await sql`select remove_retention_policy('ohlcv_minute', if_exists => true)`.execute(trx)
      await sql`select add_retention_policy('ohlcv_minute', drop_after => make_interval(days => ${policy.days}))`.execute(trx)
    }
  })
  return `${policy.noun} set to ${wanted}`
}
