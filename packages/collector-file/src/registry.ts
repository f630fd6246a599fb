import type { SourceCollectors } from '@kmd/core'
import { collectFloatingSharesFile } from './collect-floating-shares.ts'

/** The files given to this process (`etl import floating-shares <file>`), per dataset a file can hold. */
export interface FileInputs {
  floating_shares?: string
}

/** What source `file` collects: a collector for each dataset a file was given for; the file states its own dates. */
export function fileCollectors(files: FileInputs): SourceCollectors {
  const floatingShares = files.floating_shares
  return floatingShares === undefined ? {} : { floating_shares: (date) => collectFloatingSharesFile(floatingShares, date) }
}
