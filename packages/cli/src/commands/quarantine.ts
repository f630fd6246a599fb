import { InvalidArgumentError, Option, type Command } from 'commander'
import { DATASETS } from '@kmd/core'
import { clearQuarantine, listQuarantine, type QuarantinedBatch, type QuarantineFilter } from '@kmd/pipeline'
import { RefusedError, withDatabase } from '../context.ts'
import { formatTable, say } from '../table.ts'
import { parseTradeDate } from './run.ts'

interface QuarantineOptions {
  dataset?: string
  before?: string
  batch?: string
  json?: boolean
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function parseBatchId(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError(`expected a batch id (a UUID, as \`etl quarantine list\` shows), got "${value}"`)
  return value.toLowerCase()
}

/**
 * `etl quarantine list | clear`: the rows validation kept out of production stay in staging
 * (the retention purge never touches them) until a person has looked and clears them here.
 */
export function registerQuarantine(program: Command): void {
  const quarantine = program
    .command('quarantine')
    .description('rows validation kept out of production, held in staging until cleared')
  const filters = (command: Command) =>
    command
      .addOption(new Option('--dataset <dataset>', 'only this dataset').choices(DATASETS))
      .option('--before <YYYY-MM-DD>', 'only batches staged before this day (Seoul time)', parseTradeDate)
      .option('--batch <id>', 'only this batch', parseBatchId)
      .option('--json', 'print JSON')

  filters(quarantine.command('list').description('batches holding quarantined rows, oldest first'))
    .action(async (options: QuarantineOptions) => {
      const batches = await withDatabase(({ database }) => listQuarantine(database, filterOf(options)))
      printBatches(batches, options, 'batches', 'no quarantined rows', {
        after: [
          `\n${totalRows(batches)} quarantined row(s) in ${batches.length} batch(es); their reasons and raw values: the dashboard's /batch?id=<batch id>`,
          'clear them once looked at: pnpm etl quarantine clear --before <YYYY-MM-DD> [--dataset <dataset>] (or --batch <id>)',
        ],
      })
    })

  filters(quarantine.command('clear').description('delete quarantined rows (needs --before or --batch); prints what it deleted'))
    .action(async (options: QuarantineOptions) => {
      if (options.before === undefined && options.batch === undefined) throw new RefusedError('quarantine clear needs --before <YYYY-MM-DD> or --batch <id>, so it never clears everything by accident')
      const cleared = await withDatabase(({ database }) => clearQuarantine(database, filterOf(options)))
      printBatches(cleared, options, 'cleared', 'nothing to clear: no quarantined rows match', {
        before: `deleted ${totalRows(cleared)} quarantined row(s) from ${cleared.length} batch(es):`,
      })
    })
}

/** JSON (`{ <key>: batches, rows }`), or for people the batches as a table between its lines; `empty` when there are none. */
function printBatches(batches: readonly QuarantinedBatch[], options: QuarantineOptions, key: string, empty: string, lines: { before?: string; after?: string[] }): void {
  if (options.json) {
    console.log(JSON.stringify({ [key]: batches, rows: totalRows(batches) }, null, 2))
    return
  }
  if (batches.length === 0) {
    say(empty)
    return
  }
  if (lines.before) say(lines.before)
  say(formatBatches(batches))
  for (const line of lines.after ?? []) say(line)
}

function filterOf(options: QuarantineOptions): QuarantineFilter {
  return { dataset: options.dataset, stagedBefore: options.before, batchId: options.batch }
}

function totalRows(batches: readonly QuarantinedBatch[]): number {
  return batches.reduce((total, batch) => total + batch.rows, 0)
}

function formatBatches(batches: readonly QuarantinedBatch[]): string {
  return formatTable(
    batches.map((batch) => ({
      dataset: batch.dataset,
      partition: batch.partitionKey,
      source: batch.source,
      // A promoted batch holds its rejected rows; any other held no row production took.
      held: batch.status === 'promoted' ? 'rejected rows' : `whole batch (${batch.status})`,
      rows: batch.rows,
      staged: batch.stagedAt.toISOString(),
      batch: batch.batchId,
    })),
  )
}
