import type { Command } from 'commander'
import { applyMinuteBarPolicies, migrateToLatest, TimescaleUnusableError, type MarketDatabase, type MinuteBarPolicies } from '@kmd/db'
import { withDatabase } from '../context.ts'

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('bring the schema to the latest version (installs TimescaleDB when the server preloads it; TIMESCALEDB=off for plain tables)')
    .action(async () => {
      await withDatabase(async ({ config, database }) => {
        const lines = await migrate(database, { compressAfterDays: config.minuteBarsCompressAfterDays, retentionDays: config.minuteBarsRetentionDays })
        console.log(lines.join('\n'))
      }, { unmigrated: 'allowed' })
    })
}

/** Migrates and describes what changed; throws when a migration failed. */
export async function migrate(database: MarketDatabase, minuteBars: MinuteBarPolicies): Promise<string[]> {
  const outcome = await migrateToLatest(database.db)
  if (outcome.error) {
    // Says what is wrong with the server and how to fix it; nothing was applied.
    if (outcome.error instanceof TimescaleUnusableError) throw outcome.error
    const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error)
    throw new Error(`migration failed, nothing applied: ${reason}`)
  }
  const { capabilities } = outcome
  const lines = [
    `database: ${database.location} (PostgreSQL ${capabilities.postgresMajor}, ` +
      (capabilities.timescaledbInstalled
        ? `TimescaleDB ${capabilities.timescaledbVersion})`
        : `no TimescaleDB: plain tables (aggregates included)${outcome.plainReason ? `, because ${outcome.plainReason}` : ''})`),
  ]
  lines.push(
    outcome.applied.length === 0
      ? 'migrations: none pending, schema is up to date'
      : `migrations applied (${outcome.applied.length}):\n${outcome.applied.map((name) => `  ${name}`).join('\n')}`,
  )
  if (outcome.scriptsApplied.length > 0) lines.push(`sql scripts applied: ${outcome.scriptsApplied.join(', ')}`)
  lines.push(...(await applyMinuteBarPolicies(database.db, capabilities, minuteBars)))
  return lines
}
