import { sql, type Kysely } from 'kysely'

/**
 * Group roles (NOLOGIN); logins are granted membership (`etl grant-reader`). Roles belong to
 * the whole server, so creating one that another database already made is not an error.
 * Their privileges live in sql/90_grants.sql, re-applied whenever it changes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const role of ['market_reader', 'market_writer']) {
    await sql`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = ${sql.lit(role)}) then
          create role ${sql.raw(role)} nologin;
        end if;
      exception when duplicate_object or unique_violation then
        null; -- created concurrently by a migration of another database on this server
      end
      $$`.execute(db)
  }
}
