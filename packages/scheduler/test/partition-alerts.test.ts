import { describe, expect, test } from 'vitest'
import { partitionStatus, type JobResult, type PartitionCompleteness, type PartitionResult } from '@kmd/pipeline'
import { alertForPartition } from '../src/index.ts'

const context = { job: 'ohlcv_daily', slot: new Date('2026-11-25T09:30:00Z'), host: 'h1' }

const run = (source: JobResult['source'], status: JobResult['status'], over: Partial<JobResult> = {}): JobResult => ({
  runId: `${source}-run`, dataset: 'ohlcv_daily', source, tradeDate: '2026-11-25', status, batchId: undefined,
  fetched: 100, valid: 100, rejected: 0, warned: 0, promoted: status === 'FAILED' ? 0 : 100, failedChecks: [], timings: {}, message: status === 'FAILED' ? `${source} answered 503` : undefined, ...over,
})

const missing = (count: number, complete: boolean): PartitionCompleteness => ({
  basis: 'master', expectedCount: 2_700, presentCount: 2_700 - count, missingCount: count, ratio: (2_700 - count) / 2_700, complete,
  missingSample: count > 0 ? ['000020@2026-11-25', '000040@2026-11-25'] : [], missingStocks: count > 0 ? ['000020', '000040'] : [],
})

function partition(attempts: JobResult[], completeness?: PartitionCompleteness): PartitionResult {
  return { status: partitionStatus(attempts, completeness), final: attempts[attempts.length - 1]!, attempts, deliveredBy: attempts.find((a) => a.status !== 'FAILED')?.source, completeness }
}

describe('alertForPartition', () => {
  test('no source delivered: FAILED, naming every source tried', () => {
    const alert = alertForPartition(partition([run('krx', 'FAILED'), run('naver', 'FAILED')]), context, 0.01)
    expect(alert).toMatchObject({ kind: 'FAILED', summary: 'naver answered 503' })
    expect(alert!.facts).toContainEqual(['sources tried', 'krx FAILED, naver FAILED'])
  })

  test('a short day every source left short: PARTIAL with the missing count and sample', () => {
    const alert = alertForPartition(partition([run('krx', 'PARTIAL'), run('naver', 'PARTIAL')], missing(40, false)), context, 0.01)
    expect(alert).toMatchObject({ kind: 'PARTIAL', source: 'krx' })
    expect(alert!.summary).toBe('incomplete: 40 of 2700 expected keys missing after every source of the plan (000020@2026-11-25, 000040@2026-11-25, …)')
  })

  test('a short day the gap fill completed: no alert, and the partition is SUCCESS', () => {
    const whole = partition([run('krx', 'PARTIAL', { fetched: 95, valid: 95, promoted: 95 }), run('naver', 'SUCCESS', { fetched: 5, valid: 5, promoted: 5 })], missing(0, true))
    expect(whole.status).toBe('SUCCESS')
    expect(alertForPartition(whole, context, 0.01)).toBeUndefined()
  })

  test('a run that rejected more than the allowed share still raises its own PARTIAL alert', () => {
    const alert = alertForPartition(partition([run('krx', 'PARTIAL', { fetched: 100, valid: 90, rejected: 10, promoted: 90 })], missing(0, true)), context, 0.01)
    expect(alert).toMatchObject({ kind: 'PARTIAL', source: 'krx' })
    expect(alert!.summary).toMatch(/^10 of 100 rows rejected/)
  })
})
