import { describe, expect, test } from 'vitest'
import { BackfillProgress, formatDuration, progressLine, type JobResult } from '../src/index.ts'

const run = (status: JobResult['status'], valid: number, rejected = 0): JobResult => ({
  runId: 'r', dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2025-01-02', status, batchId: undefined,
  fetched: valid + rejected, valid, rejected, promoted: status === 'SUCCESS' || status === 'PARTIAL' ? valid : 0, failedChecks: [], timings: {}, message: undefined,
})

describe('BackfillProgress', () => {
  test('counts runs by status and rows, without keeping the results', () => {
    const progress = new BackfillProgress(10, 4)
    progress.recordRun(run('SUCCESS', 100))
    progress.recordRun(run('PARTIAL', 90, 10))
    progress.recordRun(run('FAILED', 0))
    progress.recordNotRun()
    const s = progress.snapshot()
    expect(s).toMatchObject({ partitions: 10, toRun: 4, notRun: 1, finished: 3, rowsProcessed: 200, rowsPromoted: 190, rowsRejected: 10 })
    expect(s.statuses).toEqual({ SUCCESS: 1, PARTIAL: 1, FAILED: 1, SKIPPED: 0, ABORTED: 0 })
  })

  test('has no ETA before the first run ends, then one from the pace so far', () => {
    const progress = new BackfillProgress(3, 3)
    expect(progress.snapshot().etaMs).toBeUndefined()
    progress.recordRun(run('SUCCESS', 10))
    const s = progress.snapshot()
    expect(s.etaMs).toBeCloseTo(s.elapsedMs * 2, 0)
  })

  test('a progress line says partitions, rows, pace, failures and ETA', () => {
    const progress = new BackfillProgress(2, 2)
    progress.recordRun(run('ABORTED', 0))
    expect(progressLine(progress.snapshot())).toMatch(/^1\/2 partitions \(50%\), 0 rows, 0 rows\/s, 1 failed, elapsed \d+s, ETA \d+s$/)
  })

  test('durations read as seconds, minutes or hours', () => {
    expect(formatDuration(4_400)).toBe('4s')
    expect(formatDuration(125_000)).toBe('2m05s')
    expect(formatDuration(3 * 3_600_000 + 7 * 60_000)).toBe('3h07m')
  })
})
