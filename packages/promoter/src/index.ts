export * from './promote-batch.ts'
export * from './run-log.ts'
export { refreshAggregates } from './aggregates.ts'
