import { sql, type Kysely } from 'kysely'

/**
 * The dates of a dataset whose aggregates are behind production (packages/promoter/src/
 * aggregate-backlog.ts). A backfill's promotions record the dates they wrote here, in their own
 * transaction, instead of recomputing their buckets one day at a time; the end of the backfill,
 * or the next promotion that keeps its aggregates current, brings them up to date and deletes
 * the row. A process killed in between leaves the row, so what is behind is never forgotten and
 * readers can see it (market_reader reads every table of public).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table aggregate_backlog (
      dataset text primary key,
      from_date date not null,
      to_date date not null,
      since timestamptz not null default now(),
      -- Raised by every promotion that records dates, so a settler can tell whether dates arrived
      -- while it worked (a write inside the range it already covers changes no date).
      revision bigint not null default 1,
      check (from_date <= to_date)
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table aggregate_backlog`.execute(db)
}
