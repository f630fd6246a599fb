import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely'
import { projectRoot } from '@kmd/core'
import type { MigrationContext } from '../../../migrations/_shared.ts'
import { MIGRATIONS, type MigrationModule } from '../../../migrations/index.ts'
import { detectCapabilities, type Capabilities } from './capabilities.ts'
import { timescaleMode, type TimescaleMode } from './environment.ts'
import { planTimescale } from './timescale-plan.ts'

export type { MigrationContext }

const PROJECT_ROOT = projectRoot(import.meta.url)
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations')
export const SQL_SCRIPTS_DIR = join(PROJECT_ROOT, 'sql')

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.ts$/

/** Hands each migration of `modules` (name -> module) the capability context. */
function withContext(modules: Readonly<Record<string, MigrationModule>>, context: MigrationContext): Record<string, Migration> {
  const migrations: Record<string, Migration> = {}
  for (const [name, { up, down }] of Object.entries(modules)) {
    migrations[name] = {
      up: (db) => up(db, context),
      ...(down ? { down: (db: Kysely<any>) => down(db, context) } : {}),
    }
  }
  return migrations
}

/**
 * The project's migrations, imported statically through migrations/index.ts; or the
 * `NNNN_name.ts` files of another folder (tests), imported at run time (needs a TypeScript loader).
 */
async function migrationModules(folder: string | undefined): Promise<Readonly<Record<string, MigrationModule>>> {
  if (!folder) return MIGRATIONS
  const files = (await readdir(folder)).filter((file) => MIGRATION_FILE.test(file)).sort()
  const modules: Record<string, MigrationModule> = {}
  for (const file of files) modules[file.replace(/\.ts$/, '')] = (await import(pathToFileURL(join(folder, file)).href)) as MigrationModule
  return modules
}

class ModuleMigrationProvider implements MigrationProvider {
  constructor(
    private readonly modules: Readonly<Record<string, MigrationModule>>,
    private readonly context: MigrationContext,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return withContext(this.modules, this.context)
  }
}

export interface MigrateOutcome {
  capabilities: Capabilities
  /** Why the schema is plain PostgreSQL (no TimescaleDB); undefined when TimescaleDB is used. */
  plainReason: string | undefined
  /** Migrations applied by this call, in order; empty when the schema was already current. */
  applied: string[]
  /** Repeatable scripts under sql/ (views, grants) that changed and were re-applied. */
  scriptsApplied: string[]
  error: unknown
}

export interface MigrateOptions {
  /** A folder of NNNN_name.ts files instead of the project's migrations (tests). */
  migrationsDir?: string
  sqlDir?: string
  /**
   * Apply the migrations up to and including this one only (tests that build an older schema to
   * migrate from). The repeatable sql/ scripts are written for the latest schema and not applied.
   */
  through?: string
  /** TimescaleDB: `auto` (default: the TIMESCALEDB variable, else auto), `on` or `off`. */
  timescaledb?: TimescaleMode
}

/**
 * Brings the schema to the latest version: decides about TimescaleDB (see planTimescale),
 * installs it when the server offers and preloads it, applies pending migrations in one
 * transaction, re-applies the repeatable sql/ scripts whose content changed, then runs the
 * `afterCommit` work of the migrations applied. A second call with nothing new is a no-op.
 * Like Kysely's migrator, it reports failure in `error` instead of throwing.
 */
export async function migrateToLatest(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrateOutcome> {
  let capabilities = await detectCapabilities(db)
  const plan = planTimescale(capabilities, options.timescaledb ?? timescaleMode(), await isMigrated(db))
  if (plan.action === 'refuse') return { capabilities, plainReason: undefined, applied: [], scriptsApplied: [], error: plan.error }
  if (plan.action === 'install') {
    await sql`create extension if not exists timescaledb`.execute(db)
    capabilities = await detectCapabilities(db)
  }
  const plainReason = plan.action === 'plain' ? plan.reason : undefined
  const context: MigrationContext = { timescaledb: plan.action !== 'plain' }
  const modules = await migrationModules(options.migrationsDir)
  const migrator = new Migrator({ db, provider: new ModuleMigrationProvider(modules, context) })
  const { error, results } = options.through ? await migrator.migrateTo(options.through) : await migrator.migrateToLatest()
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName)
  if (error) return { capabilities, plainReason, applied: [], scriptsApplied: [], error }
  let scriptsApplied: string[] = []
  try {
    if (!options.through) scriptsApplied = await applyRepeatableScripts(db, options.sqlDir ?? SQL_SCRIPTS_DIR)
    for (const name of applied) await modules[name]?.afterCommit?.(db, context)
    return { capabilities, plainReason, applied, scriptsApplied, error: undefined }
  } catch (laterError) {
    return { capabilities, plainReason, applied, scriptsApplied, error: laterError }
  }
}

/** Whether Kysely's migration table lists any migration: the schema exists already. */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db)
  if (!rows[0]?.present) return false
  const count = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(db)
  return (count.rows[0]?.n ?? 0) > 0
}

/**
 * sql/NN_name.sql files are idempotent (CREATE OR REPLACE, GRANT): re-run when their checksum
 * changes, all in one transaction, so a view edit ships without a new migration.
 */
async function applyRepeatableScripts(db: Kysely<any>, folder: string): Promise<string[]> {
  const files = (await readdir(folder)).filter((file) => /^\d{2}_[a-z0-9_]+\.sql$/.test(file)).sort()
  const scripts = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(folder, file), 'utf8')
      return { file, text, checksum: createHash('sha256').update(text).digest('hex') }
    }),
  )
  return db.transaction().execute(async (trx) => {
    await sql`
      create table if not exists schema_scripts (
        script_name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(trx)
    const known = await sql<{ script_name: string; checksum: string }>`select script_name, checksum from schema_scripts`.execute(trx)
    const appliedChecksums = new Map(known.rows.map((row) => [row.script_name, row.checksum]))
    const changed = scripts.some((script) => appliedChecksums.get(script.file) !== script.checksum)
    if (!changed) return []
    // Later scripts depend on earlier ones (grants cover the views), so a change re-runs them all.
    for (const script of scripts) {
      await sql.raw(script.text).execute(trx)
      await sql`
        insert into schema_scripts (script_name, checksum) values (${script.file}, ${script.checksum})
        on conflict (script_name) do update set checksum = excluded.checksum, applied_at = now()`.execute(trx)
    }
    return scripts.map((script) => script.file)
  })
}
