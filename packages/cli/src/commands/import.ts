import { Command, InvalidArgumentError } from 'commander'
import { FLOATING_SHARES_COLUMNS, importFloatingShares, type ImportResult } from '@kmd/pipeline'
import { withDatabase } from '../context.ts'

const DEFAULT_SHOWN = 20

function parseShown(value: string): number {
  const shown = Number(value)
  if (!Number.isInteger(shown) || shown < 0) throw new InvalidArgumentError(`expected a whole number >= 0, got "${value}"`)
  return shown
}

export function registerImport(program: Command): void {
  const command = program.command('import').description('load a dataset from a file through staging, validation and promotion')
  command
    .command('floating-shares <file>')
    .description(`floating shares from a CSV file with the header ${FLOATING_SHARES_COLUMNS.join(',')} (UTF-8, optional BOM, LF or CRLF)`)
    .option('--show <n>', `quarantined rows to print (default ${DEFAULT_SHOWN})`, parseShown, DEFAULT_SHOWN)
    .action(async (file: string, options: { show: number }) => {
      const result = await withDatabase(({ logger, database }) => importFloatingShares({ database, logger }, { file, quarantineShown: options.show }))
      console.log(describeImport(result))
      // Nothing promoted: the import failed, or no row of the file passed validation.
      if (result.status === 'FAILED' || result.status === 'SKIPPED' || result.valid === 0) process.exitCode = 1
    })
}

export function describeImport(result: ImportResult): string {
  const head = `floating_shares from ${result.file} (${result.partitionKey}): ${result.status}`
  if (result.status === 'FAILED' && result.batchId === undefined) return `${head}\n  error: ${result.message}\n  run id ${result.runId}`
  const lines = [
    head,
    `  rows ${result.rows}, valid ${result.valid}, rejected ${result.rejected}, warned ${result.warned}, changed in production ${result.promoted}`,
  ]
  if (result.rejected > 0) {
    const shown = result.quarantined.length
    lines.push(`  quarantined rows${shown < result.rejected ? ` (first ${shown} of ${result.rejected})` : ''}:`)
    for (const row of result.quarantined) {
      const key = [row.stockCode ?? '?', row.baseDate ?? '?'].join(' ')
      lines.push(`    line ${row.line ?? '?'} ${key}: ${row.reasons.join('; ')}`)
    }
  }
  if (result.message) lines.push(`  ${result.message}`)
  lines.push(`  run id ${result.runId}`)
  return lines.join('\n')
}
