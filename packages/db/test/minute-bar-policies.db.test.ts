import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { applyMinuteBarPolicies, detectCapabilities } from '../src/index.ts'
import { useMigratedDatabase } from '../src/testing/index.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

async function minutePolicies(): Promise<Record<string, string | null>> {
  const { rows } = await sql<{ proc_name: string; setting: string | null }>`
    select proc_name, coalesce(config ->> 'compress_after', config ->> 'drop_after') as setting
    from timescaledb_information.jobs
    where hypertable_name = 'ohlcv_minute' and proc_name in ('policy_compression', 'policy_retention')`.execute(db())
  return Object.fromEntries(rows.map((row) => [row.proc_name, row.setting]))
}

describe('minute-bar compression and retention follow configuration', () => {
  test('a changed setting replaces its policy, an unchanged one is left alone, and plain PostgreSQL says it has none', async () => {
    const capabilities = await detectCapabilities(db())
    if (!capabilities.timescaledbInstalled) {
      expect(await applyMinuteBarPolicies(db(), capabilities, { compressAfterDays: 3, retentionDays: 400 })).toEqual([
        'minute-bar compression and retention need TimescaleDB: not applied on plain PostgreSQL',
      ])
      return
    }
    expect(await minutePolicies()).toEqual({ policy_compression: '7 days' })
    expect(await applyMinuteBarPolicies(db(), capabilities, { compressAfterDays: 3, retentionDays: 400 })).toEqual([
      'minute-bar compression after set to 3 days',
      'minute-bar retention set to 400 days',
    ])
    expect(await minutePolicies()).toEqual({ policy_compression: '3 days', policy_retention: '400 days' })
    expect(await applyMinuteBarPolicies(db(), capabilities, { compressAfterDays: 3, retentionDays: 730 })).toEqual([
      'minute-bar compression after 3 days (unchanged)',
      'minute-bar retention set to 730 days',
    ])
    expect(await minutePolicies()).toEqual({ policy_compression: '3 days', policy_retention: '730 days' })
  })
})
