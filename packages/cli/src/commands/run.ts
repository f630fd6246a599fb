import { Command, InvalidArgumentError, Option } from 'commander'
import { calendarDateProblem, DATASETS, SOURCES, unfinishedDateReason, type AppConfig, type Dataset, type SourceName } from '@kmd/core'
import { createCollectors, loadSourcePlan, planWith, runWithFallback, type JobResult } from '@kmd/pipeline'
import { checkPlanCredentials, RefusedError, retriesLine, withDatabase } from '../context.ts'
import { say } from '../table.ts'

export function parseTradeDate(value: string): string {
  const problem = calendarDateProblem(value)
  if (problem) throw new InvalidArgumentError(problem)
  return value
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('collect, validate and promote one dataset for one trade date (primary source, then its fallbacks)')
    .addOption(new Option('--dataset <dataset>', 'dataset to load').choices(DATASETS).makeOptionMandatory())
    .requiredOption('--date <YYYY-MM-DD>', 'trade date (KST)', parseTradeDate)
    .addOption(new Option('--source <source>', 'only this source (default: the source plan, with fallbacks)').choices(SOURCES))
    .action(async (options: { dataset: Dataset; date: string; source?: SourceName }) => {
      const unfinished = unfinishedDateReason(options.dataset, options.date, new Date())
      if (unfinished) throw new RefusedError(unfinished)
      const planOf = (config: AppConfig) => planWith(loadSourcePlan(config.sourcePlanJson), options.dataset, options.source)
      const partition = await withDatabase(
        async ({ config, logger, database }) => {
          const deps = { database, logger, collectors: createCollectors(config, logger), completenessThreshold: config.completenessThreshold, stagingRetentionDays: config.stagingRetentionDays }
          return runWithFallback(deps, planOf(config), { dataset: options.dataset, tradeDate: options.date, trigger: 'manual' })
        },
        { check: (config) => checkPlanCredentials(config, planOf(config), options.dataset) },
      )
      say(partition.attempts.map(describeResult).join('\n'))
      const retries = retriesLine()
      if (retries) say(retries)
      // Non-zero when the partition is not loaded, or loaded short of its expected keys.
      const { final, completeness } = partition
      if (completeness && !completeness.complete) say(`${final.dataset} ${final.tradeDate} is incomplete: ${completeness.missingCount} of ${completeness.expectedCount} expected keys missing (${completeness.missingSample.slice(0, 3).join(', ')}…)`)
      if (partition.status === 'FAILED' || (completeness && !completeness.complete)) process.exitCode = 1
    })
}

export function describeResult(result: JobResult): string {
  const head = `${result.dataset} ${result.tradeDate} from ${result.source}: ${result.status}`
  if (result.status === 'SKIPPED') return `${head} (${result.message})`
  const counts = `fetched ${result.fetched}, valid ${result.valid}, rejected ${result.rejected}, promoted ${result.promoted}`
  const stages = Object.entries(result.timings).map(([stage, ms]) => `${stage} ${ms} ms`).join(', ')
  const checks = result.failedChecks.length > 0 ? `\n  checks that found issues: ${result.failedChecks.join(', ')}` : ''
  const message = result.message ? `\n  ${result.message}` : ''
  return `${head}\n  ${counts}\n  ${stages}${checks}${message}\n  run id ${result.runId}`
}
