export * from './collectors.ts'
export * from './run-job.ts'
export * from './claims.ts'
