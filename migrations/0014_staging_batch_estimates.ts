import { sql, type Kysely } from 'kysely'

/**
 * No statistics on staging's batch_id. Every statement of the pipeline reads one batch, always
 * a batch newer than the table's last ANALYZE: with statistics the planner put its rows at 1
 * (the id is in no most-common list, and a large earlier batch took the rest), joined the batch
 * to itself by nested loop and compared 2,720 × 2,720 rows in each rule's marking UPDATE (5 s a
 * rule on the embedded database). Without them it takes the default share of the table, never
 * below a batch's size, and hash-joins.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of await stagingTables(db)) {
    // Re-declaring the column's own type drops the statistics an earlier ANALYZE left (no rewrite).
    await sql`alter table ${sql.table(`staging.${table}`)} alter column batch_id set statistics 0, alter column batch_id type uuid`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of await stagingTables(db)) await sql`alter table ${sql.table(`staging.${table}`)} alter column batch_id set statistics -1`.execute(db)
}

/** The staging tables of rows (batches itself keys on batch_id and is not one of them). */
async function stagingTables(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select c.relname as table_name
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'staging' and c.relkind = 'r' and a.attname = 'batch_id' and c.relname <> 'batches' and not a.attisdropped
    order by 1`.execute(db)
  return rows.map((row) => row.table_name)
}
