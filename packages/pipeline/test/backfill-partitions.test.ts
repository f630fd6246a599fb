import { describe, expect, test } from 'vitest'
import { tradingDaysBetween } from '@kmd/core'
import { backfillPartitioning, decide, stretchesOf, partitionRuleFor, partitionsOf, PARTITION_RULES, tradingDays, type LedgerEntry, type Partition } from '../src/index.ts'

const all = (iterable: Iterable<Partition>) => [...iterable]

describe('partition rules', () => {
  test('KRX daily cross-section screens are one trading day each', () => {
    for (const dataset of ['ohlcv_daily', 'market_cap_daily', 'investor_trading'] as const) {
      expect(partitionRuleFor('krx', dataset)?.shape).toEqual({ kind: 'tradingDay' })
    }
  })

  test('per-stock sources get their documented limits', () => {
    expect(partitionRuleFor('krx', 'stocks')?.shape).toEqual({ kind: 'stockWindow', maxSpan: { years: 2 } })
    expect(partitionRuleFor('infomax', 'ohlcv_daily')?.shape).toEqual({ kind: 'stockWindow', maxSpan: { days: 30 } })
    expect(partitionRuleFor('kis', 'investor_trading')?.shape).toEqual({ kind: 'stockRows', maxRows: 100 })
    expect(partitionRuleFor('naver', 'ohlcv_daily')).toBeUndefined()
  })

  test('the first matching row wins, so a new row placed first overrides', () => {
    const rules = [{ source: 'krx' as const, datasets: ['ohlcv_daily' as const], shape: { kind: 'stockRows' as const, maxRows: 5 }, why: 'test' }, ...PARTITION_RULES]
    expect(partitionRuleFor('krx', 'ohlcv_daily', rules)?.shape).toEqual({ kind: 'stockRows', maxRows: 5 })
  })
})

describe('backfill partitioning', () => {
  test('KRX daily screens: one trading day, with the reason', () => {
    expect(backfillPartitioning('krx', 'investor_trading')).toEqual({ shape: { kind: 'tradingDay' }, partitioning: expect.stringMatching(/^one trading day per partition \(KRX screens/) })
  })

  test('per-stock sources run per trading day while their collectors load one date, and say so', () => {
    const { shape, partitioning } = backfillPartitioning('infomax', 'ohlcv_daily')
    expect(shape).toEqual({ kind: 'tradingDay' })
    expect(partitioning).toMatch(/at most 30 days.*one trade date at a time/)
  })

  test('a source without a rule gets trading days', () => {
    expect(backfillPartitioning('naver', 'ohlcv_daily').shape).toEqual({ kind: 'tradingDay' })
  })
})

describe('trading-day partitions', () => {
  test('one per KRX trading day, holidays and weekends left out, keyed by the date', () => {
    const parts = all(partitionsOf({ kind: 'tradingDay' }, { from: '2024-02-08', to: '2024-02-14' }))
    // 2024-02-09..12 is Seollal (Fri to Mon) plus the weekend
    expect(parts.map((p) => p.key)).toEqual(['2024-02-08', '2024-02-13', '2024-02-14'])
    expect(parts[0]).toEqual({ key: '2024-02-08', from: '2024-02-08', to: '2024-02-08' })
  })

  test('agree with tradingDaysBetween over ten years', () => {
    expect([...tradingDays('2015-01-01', '2024-12-31')]).toEqual(tradingDaysBetween('2015-01-01', '2024-12-31'))
  })

  test('an empty or reversed range gives nothing', () => {
    expect(all(partitionsOf({ kind: 'tradingDay' }, { from: '2024-02-10', to: '2024-02-11' }))).toEqual([])
    expect(all(partitionsOf({ kind: 'tradingDay' }, { from: '2024-03-10', to: '2024-03-01' }))).toEqual([])
  })

  test('are generated lazily: the first of a century-long range comes without walking it', () => {
    const first = partitionsOf({ kind: 'tradingDay' }, { from: '2015-01-01', to: '2099-12-31' }).next()
    expect(first.value?.key).toBe('2015-01-02')
  })
})

describe('per-stock windows', () => {
  test('KRX history: windows of at most two years, per stock, trimmed to trading days', () => {
    const parts = all(partitionsOf({ kind: 'stockWindow', maxSpan: { years: 2 } }, { from: '2019-01-01', to: '2024-06-30', stockCodes: ['005930', '0041B0'] }))
    expect(parts.filter((p) => p.stockCode === '005930').map((p) => p.key)).toEqual([
      '005930:2019-01-02..2020-12-30',
      '005930:2021-01-04..2022-12-29',
      '005930:2023-01-02..2024-06-28',
    ])
    expect(parts.filter((p) => p.stockCode === '0041B0')).toHaveLength(3)
    for (const p of parts) {
      expect(Date.parse(p.to) - Date.parse(p.from)).toBeLessThan(2 * 366 * 86_400_000)
    }
  })

  test('Infomax: windows of at most 30 calendar days that cover every trading day once', () => {
    const parts = all(partitionsOf({ kind: 'stockWindow', maxSpan: { days: 30 } }, { from: '2024-01-01', to: '2024-12-31', stockCodes: ['005930'] }))
    for (const p of parts) expect((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000).toBeLessThan(30)
    const covered = parts.flatMap((p) => tradingDaysBetween(p.from, p.to))
    expect(covered).toEqual(tradingDaysBetween('2024-01-01', '2024-12-31'))
  })

  test('KIS: windows of at most 100 trading days (one row each), the last one shorter', () => {
    const parts = all(partitionsOf({ kind: 'stockRows', maxRows: 100 }, { from: '2024-01-01', to: '2024-12-31', stockCodes: ['005930'] }))
    const sizes = parts.map((p) => tradingDaysBetween(p.from, p.to).length)
    expect(sizes.slice(0, -1).every((n) => n === 100)).toBe(true)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(tradingDaysBetween('2024-01-01', '2024-12-31').length)
    expect(sizes.at(-1)).toBeLessThanOrEqual(100)
  })

  test('a two-year window from 29 February ends before the same day two years on', () => {
    const [first] = all(partitionsOf({ kind: 'stockWindow', maxSpan: { years: 2 } }, { from: '2024-02-29', to: '2027-12-31', stockCodes: ['005930'] }))
    expect(first!.from).toBe('2024-02-29')
    expect(first!.to <= '2026-02-27').toBe(true)
  })

  test('a window without a trading day is not produced', () => {
    const parts = all(partitionsOf({ kind: 'stockWindow', maxSpan: { days: 2 } }, { from: '2024-02-09', to: '2024-02-13', stockCodes: ['005930'] }))
    expect(parts.map((p) => p.key)).toEqual(['005930:2024-02-13..2024-02-13'])
  })

  test('per-stock shapes need the stock codes', () => {
    expect(() => all(partitionsOf({ kind: 'stockRows', maxRows: 100 }, { from: '2024-01-01', to: '2024-01-31' }))).toThrow(/stock codes/)
  })
})

describe('reprocess modes', () => {
  const entry = (latestStatus: LedgerEntry['latestStatus'], everLoaded: boolean): LedgerEntry => ({
    everLoaded, latestStatus, latestRunId: 'r', latestStartedAt: new Date('2026-01-01T00:00:00Z'), latestError: undefined,
  })

  test('missing runs what never ended SUCCESS or PARTIAL, even if it failed since', () => {
    expect(decide('missing', undefined).action).toBe('run')
    expect(decide('missing', entry('FAILED', false)).action).toBe('run')
    expect(decide('missing', entry('SUCCESS', true)).action).toBe('skip')
    expect(decide('missing', entry('PARTIAL', true)).action).toBe('skip')
    expect(decide('missing', entry('FAILED', true)).action).toBe('skip')
  })

  test('failed runs only what last ended FAILED, ABORTED or ABANDONED', () => {
    expect(decide('failed', entry('FAILED', true)).action).toBe('run')
    expect(decide('failed', entry('ABANDONED', true)).action).toBe('run')
    expect(decide('failed', entry('ABORTED', false)).action).toBe('run')
    expect(decide('failed', entry('SUCCESS', true)).action).toBe('skip')
    expect(decide('failed', undefined)).toMatchObject({ action: 'skip', reason: expect.stringMatching(/never run/) })
  })

  test('missing and incomplete run a partition the completeness ledger says is short, whichever source loaded it', () => {
    const short = { ...entry('PARTIAL', true), completeness: { complete: false, missing: 30, expected: 2700 } }
    expect(decide('missing', short)).toMatchObject({ action: 'run', reason: expect.stringMatching(/^loaded but incomplete: 30 of 2700 expected keys missing/) })
    expect(decide('incomplete', short).action).toBe('run')
    const complete = { ...entry('PARTIAL', true), completeness: { complete: true, missing: 0, expected: 2700 } }
    expect(decide('missing', complete)).toMatchObject({ action: 'skip', reason: expect.stringMatching(/^complete; latest run PARTIAL/) })
    expect(decide('incomplete', complete).action).toBe('skip')
    // completed by another source's gap fill: no run of this source, still complete
    const byOthers: LedgerEntry = { ...entry(undefined, false), completeness: { complete: true, missing: 0, expected: 2700 } }
    expect(decide('missing', byOthers)).toMatchObject({ action: 'skip', reason: 'complete; no run from these sources' })
    expect(decide('incomplete', undefined)).toMatchObject({ action: 'skip', reason: expect.stringMatching(/never loaded/) })
  })

  test('a day loaded earlier and failed since is skipped, saying the earlier load is kept', () => {
    expect(decide('missing', entry('FAILED', true))).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(/^loaded by an earlier run, kept; a later run did not finish \(latest run FAILED at .*\); --reprocess failed runs it again$/),
    })
    expect(decide('missing', entry('SUCCESS', true)).reason).toMatch(/^already loaded; latest run SUCCESS/)
  })

  test('all runs everything', () => {
    expect(decide('all', entry('SUCCESS', true)).action).toBe('run')
  })
})

describe('stretchesOf', () => {
  const runDates = ['2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07', '2025-01-08', '2025-01-09', '2025-01-10']
  test('cuts the range into consecutive stretches of as many partitions to run, covering it exactly', () => {
    expect(stretchesOf(runDates, 3, '2025-01-01', '2025-01-12')).toEqual([
      { from: '2025-01-01', to: '2025-01-05' },
      { from: '2025-01-06', to: '2025-01-07' },
      { from: '2025-01-08', to: '2025-01-12' },
    ])
  })
  test('never more stretches than partitions to run, and one when there is none', () => {
    expect(stretchesOf(runDates.slice(0, 2), 4, '2025-01-02', '2025-01-03')).toEqual([{ from: '2025-01-02', to: '2025-01-02' }, { from: '2025-01-03', to: '2025-01-03' }])
    expect(stretchesOf([], 4, '2025-01-02', '2025-01-31')).toEqual([{ from: '2025-01-02', to: '2025-01-31' }])
  })
})
