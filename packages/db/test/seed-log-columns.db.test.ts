import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { migrateToLatest } from '../src/index.ts'
import { openTestDatabase, type TestDatabase } from '../src/testing/index.ts'

// Migration 0016 gives the run log and the quality checks the seed design's column names. A
// database written by an older release (schema 0014, with its views) keeps every value.

let target: TestDatabase
const db = () => target.database.db
const RUN = '00000000-0000-4000-8000-000000001601'
const BATCH = '00000000-0000-4000-8000-000000001602'

beforeAll(async () => {
  target = await openTestDatabase()
  const old = await migrateToLatest(db(), { through: '0014_staging_batch_estimates' })
  if (old.error) throw old.error
  // What that release read and wrote, in its own column names.
  await sql`
    insert into data_collection_logs (run_id, batch_id, dataset, source, partition_key, trade_date, trigger, status,
      records_fetched, records_staged, records_valid, records_rejected, records_promoted,
      started_at, finished_at, duration_ms, stage_timings, error_message, fallback_from)
    values (${RUN}, ${BATCH}, 'ohlcv_daily', 'naver', '2026-11-18', '2026-11-18', 'schedule', 'PARTIAL',
      2700, 2700, 2698, 2, 2698,
      '2026-11-18T07:00:00Z', '2026-11-18T07:00:04.5Z', 4500, '{"collect": 3000}', '2 rows rejected', '{krx}')`.execute(db())
  await sql`
    insert into data_quality_checks (run_id, batch_id, dataset, source, partition_key, trade_date, check_name, severity, passed,
      threshold, checked_count, issue_count, sample, message, duration_ms)
    values (${RUN}, ${BATCH}, 'ohlcv_daily', 'naver', '2026-11-18', '2026-11-18', 'ohlc_consistency', 'reject', false,
      null, 2700, 2, '[{"key": "005930@2026-11-18", "reason": "high < low"}]', '2 bars contradict themselves', 12)`.execute(db())
  await sql`
    create view latest_collection_runs as
    select distinct on (dataset) dataset, trade_date, records_valid, finished_at, run_id
    from data_collection_logs order by dataset, started_at desc, id desc`.execute(db())
  await sql`
    create function quality_issues(days integer default 7) returns setof data_quality_checks language sql stable
    as $$ select * from data_quality_checks where not passed and checked_at >= now() - make_interval(days => days) $$`.execute(db())
  await sql`create view quality_issues_last_7_days as select * from quality_issues(7)`.execute(db())
})
afterAll(async () => {
  await target?.dispose()
})

describe('the seed design column names (migration 0016)', () => {
  test('an older database upgrades, its views made again over the new names', async () => {
    const outcome = await migrateToLatest(db())
    expect(outcome.error).toBeUndefined()
    expect(outcome.applied).toContain('0016_seed_log_column_names')
    expect(outcome.scriptsApplied).toContain('10_views.sql')
  })

  test('the run log keeps every value under data_type, collection_date, records_count, completed_at', async () => {
    const row = await db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', RUN).executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      batch_id: BATCH, data_type: 'ohlcv_daily', source: 'naver', partition_key: '2026-11-18', trigger: 'schedule', status: 'PARTIAL',
      records_fetched: 2700, records_staged: 2700, records_count: 2698, records_rejected: 2, records_promoted: 2698,
      duration_ms: 4500, stage_timings: { collect: 3000 }, error_message: '2 rows rejected', fallback_from: ['krx'],
    })
    expect(dateText(row.collection_date)).toBe('2026-11-18')
    expect(row.started_at.toISOString()).toBe('2026-11-18T07:00:00.000Z')
    expect(row.completed_at!.toISOString()).toBe('2026-11-18T07:00:04.500Z')
    const latest = await db().selectFrom('latest_collection_runs').selectAll().where('data_type', '=', 'ohlcv_daily').executeTakeFirstOrThrow()
    expect(latest).toMatchObject({ run_id: RUN, records_count: 2698, status: 'PARTIAL' })
    const fresh = await db().selectFrom('data_freshness').selectAll().where('data_type', '=', 'ohlcv_daily').executeTakeFirstOrThrow()
    expect(dateText(fresh.latest_collection_date)).toBe('2026-11-18')
  })

  test('the quality checks keep every value under table_name, check_date, check_type, details', async () => {
    const row = await db().selectFrom('data_quality_checks').selectAll().where('run_id', '=', RUN).executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      batch_id: BATCH, table_name: 'ohlcv_daily', source: 'naver', partition_key: '2026-11-18', check_type: 'ohlc_consistency',
      severity: 'reject', passed: false, checked_count: 2700, issue_count: 2, message: '2 bars contradict themselves', duration_ms: 12,
      details: [{ key: '005930@2026-11-18', reason: 'high < low' }],
    })
    expect(dateText(row.check_date)).toBe('2026-11-18')
    const { rows } = await sql<{ check_type: string; table_name: string }>`select check_type, table_name from quality_issues(36500)`.execute(db())
    expect(rows).toEqual([{ check_type: 'ohlc_consistency', table_name: 'ohlcv_daily' }])
  })

  test('a check row is still one per (run, check type), under the renamed constraint', async () => {
    const { rows } = await sql<{ conname: string }>`
      select conname from pg_constraint where conrelid in ('data_collection_logs'::regclass, 'data_quality_checks'::regclass) and contype in ('c', 'u') order by conname`.execute(db())
    expect(rows.map((row) => row.conname)).toEqual(expect.arrayContaining([
      'data_collection_logs_completed_after_start', 'data_collection_logs_completed_unless_running', 'data_quality_checks_run_id_check_type_key',
    ]))
    await expect(sql`
      insert into data_quality_checks (run_id, table_name, source, partition_key, check_type, severity, passed)
      values (${RUN}, 'ohlcv_daily', 'naver', '2026-11-18', 'ohlc_consistency', 'reject', true)`.execute(db())).rejects.toThrow(/data_quality_checks_run_id_check_type_key/)
  })
})

function dateText(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value)
}
