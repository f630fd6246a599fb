import { sql, type Kysely } from 'kysely'

/**
 * The pipeline's own mutual exclusion (one promotion of a reference dataset at a time, one
 * validation of a batch at a time): a row per lock name, held with SELECT … FOR UPDATE by
 * `acquirePipelineLock` in @kmd/db. Advisory locks were open to any session, so a read-only
 * login could take the pipeline's key and stall it; row locks need UPDATE on this table, and
 * market_reader gets no privilege on it at all (sql/90_grants.sql keeps it that way).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table pipeline_locks (
      name text primary key,
      created_at timestamptz not null default now()
    )`.execute(db)
  // The default privileges of 90_grants.sql gave market_reader SELECT on the new table.
  await sql`revoke all on table pipeline_locks from market_reader`.execute(db)
  await sql`comment on table pipeline_locks is 'Rows the pipeline locks (FOR UPDATE) to run one promotion/validation at a time; not for readers'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists pipeline_locks`.execute(db)
}
