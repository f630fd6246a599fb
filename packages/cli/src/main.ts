import { Command, CommanderError } from 'commander'
import { ConfigError } from '@kmd/core'
import { loadEnvFile, RefusedError } from './context.ts'
import { registerBackfill } from './commands/backfill.ts'
import { registerDashboard } from './commands/dashboard.ts'
import { registerDemo } from './commands/demo.ts'
import { registerGrantReader } from './commands/grant-reader.ts'
import { registerImport } from './commands/import.ts'
import { registerMigrate } from './commands/migrate.ts'
import { registerQuality } from './commands/quality.ts'
import { registerQuarantine } from './commands/quarantine.ts'
import { registerReport } from './commands/report.ts'
import { registerRun } from './commands/run.ts'
import { registerSchedule } from './commands/schedule.ts'
import { registerSimulator } from './commands/simulator.ts'
import { registerStatus } from './commands/status.ts'

const program = new Command()
  .name('etl')
  .description('korea-market-data: collect, validate and store Korean stock-market data')
  .showHelpAfterError()
  .exitOverride()

registerMigrate(program)
registerRun(program)
registerBackfill(program)
registerImport(program)
registerSchedule(program)
registerGrantReader(program)
registerStatus(program)
registerQuality(program)
registerQuarantine(program)
registerDashboard(program)
registerReport(program)
registerDemo(program)
registerSimulator(program)

try {
  loadEnvFile()
  await program.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode)
  if (error instanceof RefusedError) {
    console.error(`refused: ${error.message}`)
    process.exit(2)
  }
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(2)
  }
  console.error(error instanceof Error ? `error: ${error.message}` : error)
  process.exit(1)
}
