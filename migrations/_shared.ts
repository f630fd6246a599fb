// Helpers shared by the migrations; the migrator runs those listed in index.ts (NNNN_name.ts).
import { sql } from 'kysely'

/** Handed to every migration by the migrator in packages/db: the schema differs by capability. */
export interface MigrationContext {
  timescaledb: boolean
}

/** KRX short codes: six characters, digits and capitals (005930, 0041B0, 37550L). */
export const stockCodeCheck = (column: string) => sql.raw(`check (${column} ~ '^[0-9A-Z]{6}$')`)
