export * from './errors.ts'
export * from './config.ts'
export * from './logger.ts'
export * from './records.ts'
