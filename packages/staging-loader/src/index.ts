export * from './load-batch.ts'
export { STAGING_COLUMNS } from './columns.ts'
