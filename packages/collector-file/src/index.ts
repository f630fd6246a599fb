export { collectFloatingSharesFile } from './collect-floating-shares.ts'
export { FileImportError } from './file-import-error.ts'
export { FLOATING_SHARES_COLUMNS, parseFloatingSharesCsv } from './floating-shares-csv.ts'
export { fileCollectors, type FileInputs } from './registry.ts'
