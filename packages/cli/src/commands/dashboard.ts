import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { loadConfig } from '@kmd/core'
import { openDashboardDatabase, startDashboardServer } from '@kmd/dashboard'
import { freshnessTargets, loadJobs } from '@kmd/scheduler'
import { commandLogger } from '../context.ts'

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('the read-only collection dashboard in the foreground: completeness heat-map, success rate, freshness, checks, stocks (DASHBOARD_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 8686)
    .option('--weeks <n>', 'weeks shown on the overview', parseWeeks, 8)
    .action(async (options: { port: number; weeks: number }) => {
      const config = loadConfig(process.env)
      const logger = commandLogger(config, 'service')
      const jobs = await loadJobs(config.scheduler.scheduleFile)
      const database = await openDashboardDatabase(config)
      const server = await startDashboardServer({
        database, logger, host: config.dashboard.host, port: options.port, weeks: options.weeks,
        freshnessTargets: (now) => freshnessTargets(jobs, now),
      })
      // The first line names the address, so a script (or a test) can read where to go.
      console.log(`dashboard: ${server.url}/ (${database.location}, read-only)`)
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', resolve)
        process.once('SIGINT', resolve)
      })
      logger.info({ signal }, 'dashboard stopping')
      await server.close()
      await database.close()
    })
}

export function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${value}"`)
  return port
}

function parseWeeks(value: string): number {
  const weeks = Number(value)
  if (!/^\d+$/.test(value) || weeks < 1 || weeks > 52) throw new InvalidArgumentError(`expected a number of weeks from 1 to 52, got "${value}"`)
  return weeks
}
