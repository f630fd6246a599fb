import { describe, expect, test } from 'vitest'
import { BackfillProgress, formatDuration, partitionStatus, progressLine, type JobResult, type PartitionResult } from '../src/index.ts'

const run = (status: JobResult['status'], valid: number, rejected = 0, source: JobResult['source'] = 'krx'): JobResult => ({
  runId: 'r', dataset: 'ohlcv_daily', source, tradeDate: '2025-01-02', status, batchId: undefined,
  fetched: valid + rejected, valid, rejected, warned: 0, promoted: status === 'SUCCESS' || status === 'PARTIAL' ? valid : 0, failedChecks: [], timings: {}, message: undefined,
})

/** A partition settled by these runs, primary first; no completeness figures (a partition the ledger does not judge). */
const partition = (...attempts: JobResult[]): PartitionResult => ({
  status: partitionStatus(attempts, undefined), final: attempts[attempts.length - 1]!, attempts, deliveredBy: undefined, completeness: undefined,
})

describe('BackfillProgress', () => {
  test('counts runs by status and rows, without keeping the results', () => {
    const progress = new BackfillProgress(10, 4)
    progress.recordPartition(partition(run('SUCCESS', 100)))
    progress.recordPartition(partition(run('PARTIAL', 90, 10)))
    progress.recordPartition(partition(run('FAILED', 0)))
    progress.recordNotRun()
    const s = progress.snapshot()
    expect(s).toMatchObject({ partitions: 10, toRun: 4, notRun: 1, finished: 3, rowsProcessed: 200, rowsPromoted: 190, rowsRejected: 10 })
    expect(s.statuses).toEqual({ SUCCESS: 1, PARTIAL: 1, FAILED: 1, SKIPPED: 0, ABORTED: 0 })
  })

  test("a partition counts once by how it stands after its fallbacks; every run's rows count", () => {
    const progress = new BackfillProgress(1, 1)
    progress.recordPartition(partition(run('FAILED', 0), run('SUCCESS', 100, 0, 'kis')))
    const s = progress.snapshot()
    expect(s).toMatchObject({ finished: 1, runs: 2, rowsProcessed: 100, rowsPromoted: 100 })
    expect(s.statuses).toEqual({ SUCCESS: 1, PARTIAL: 0, FAILED: 0, SKIPPED: 0, ABORTED: 0 })
  })

  test('has no ETA before the first run ends, then one from the pace so far', () => {
    const progress = new BackfillProgress(3, 3)
    expect(progress.snapshot().etaMs).toBeUndefined()
    progress.recordPartition(partition(run('SUCCESS', 10)))
    const s = progress.snapshot()
    expect(s.etaMs).toBeCloseTo(s.elapsedMs * 2, 0)
  })

  test('a progress line says partitions, rows, pace, failures and ETA', () => {
    const progress = new BackfillProgress(2, 2)
    progress.recordPartition(partition(run('ABORTED', 0)))
    expect(progressLine(progress.snapshot())).toMatch(/^1\/2 partitions \(50%\), 0 rows, 0 rows\/s, 1 failed, elapsed \d+s, ETA \d+s$/)
  })

  test('durations read as seconds, minutes or hours', () => {
    expect(formatDuration(4_400)).toBe('4s')
    expect(formatDuration(125_000)).toBe('2m05s')
    expect(formatDuration(3 * 3_600_000 + 7 * 60_000)).toBe('3h07m')
  })
})
