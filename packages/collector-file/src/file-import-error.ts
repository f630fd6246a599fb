import { MarketDataError } from '@kmd/core'

/** A file that cannot be imported as it is; fixing the file, not retrying, helps. */
export class FileImportError extends MarketDataError {
  readonly file: string
  readonly line: number | undefined

  constructor(file: string, line: number | undefined, problem: string, options: { cause?: unknown } = {}) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}: ${problem}`, { retryable: false, cause: options.cause })
    this.file = file
    this.line = line
  }
}
