import { sql, type Kysely } from 'kysely'

/**
 * A run that a fallback source made because the primary failed names the sources that failed
 * before it, so the log says who delivered and why.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table data_collection_logs add column fallback_from text[]`.execute(db)
}
