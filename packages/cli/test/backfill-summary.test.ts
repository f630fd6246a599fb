import { afterEach, describe, expect, test, vi } from 'vitest'
import { emptyStatusCounts, type BackfillSummary } from '@kmd/pipeline'
import { backfillExitCode, printSummary } from '../src/commands/backfill.ts'

function summary(over: Partial<BackfillSummary> = {}): BackfillSummary {
  return {
    partitions: 61, toRun: 61, notRun: 0, statuses: emptyStatusCounts(), skippedHeld: 0, skippedClosed: 0, abandoned: 0,
    runs: 61, rowsProcessed: 0, rowsPromoted: 0, rowsRejected: 0, elapsedMs: 1000, finished: 61, rowsPerSecond: 0, etaMs: 0,
    dataset: 'ohlcv_daily', source: 'krx', pinned: 'krx', from: '2025-01-02', to: '2025-03-31', reprocess: 'missing', dryRun: false,
    partitioning: 'one trading day per partition', aborted: false, aggregatesRefreshed: [], refreshError: undefined, reapedAtStart: 0,
    ...over,
  }
}

function printed(s: BackfillSummary): string {
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')))
  vi.spyOn(console, 'table').mockImplementation(() => undefined)
  printSummary(s)
  return lines.join('\n')
}
afterEach(() => {
  vi.restoreAllMocks()
})

describe('etl backfill exit code and summary', () => {
  test('every planned partition loaded: exit 0, "finished", one line per outcome', () => {
    const s = summary({ statuses: { ...emptyStatusCounts(), SUCCESS: 58 }, toRun: 58, notRun: 3 })
    expect(backfillExitCode(s)).toBe(0)
    const out = printed(s)
    expect(out).toMatch(/: finished, every planned partition loaded/)
    expect(out).toMatch(/runs: SUCCESS 58 · PARTIAL 0 · FAILED 0 · ABORTED 0 · ABANDONED 0 · skipped \(held\) 0/)
    expect(out).toMatch(/not run: already loaded \(plan\) 3 · market closed 0/)
  })

  test('partitions skipped because another live run held them: exit 1, not "finished"', () => {
    const s = summary({ statuses: { ...emptyStatusCounts(), SUCCESS: 31, SKIPPED: 30 }, skippedHeld: 30 })
    expect(backfillExitCode(s)).toBe(1)
    const out = printed(s)
    expect(out).toMatch(/: NOT COMPLETE: 30 of 61 partitions not loaded/)
    expect(out).toMatch(/skipped \(held\) 30/)
    expect(out).not.toMatch(/: finished/)
  })

  test.each([
    ['FAILED', { statuses: { ...emptyStatusCounts(), SUCCESS: 59, FAILED: 2 } }],
    ['PARTIAL (incomplete)', { statuses: { ...emptyStatusCounts(), SUCCESS: 60, PARTIAL: 1 } }],
    ['ABORTED', { statuses: { ...emptyStatusCounts(), SUCCESS: 60, ABORTED: 1 } }],
    ['ABANDONED', { statuses: { ...emptyStatusCounts(), SUCCESS: 60 }, abandoned: 1 }],
    ['an aggregate refresh that failed', { statuses: { ...emptyStatusCounts(), SUCCESS: 61 }, refreshError: 'boom' }],
  ] as const)('%s: exit 1', (_name, over) => {
    expect(backfillExitCode(summary(over))).toBe(1)
  })

  test('closed market days and partitions already loaded do not fail it; a signal is 130', () => {
    expect(backfillExitCode(summary({ statuses: { ...emptyStatusCounts(), SUCCESS: 50, SKIPPED: 1 }, skippedClosed: 1, notRun: 10 }))).toBe(0)
    expect(backfillExitCode(summary({ aborted: true, statuses: { ...emptyStatusCounts(), FAILED: 1 } }))).toBe(130)
  })
})
