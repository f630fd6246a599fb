import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ConfigError } from '@kmd/core'
import { DEFAULT_JOBS, loadJobs, parseScheduleFile, resolveJobs } from '../src/schedule-config.ts'
import { expectedLoad } from '../src/freshness.ts'

describe('schedule configuration', () => {
  test('the defaults: reference data 07:30, prices and market cap 18:30, investor flows 19:00, minute bars 19:20, ETF PDF weekly', () => {
    const jobs = Object.fromEntries(resolveJobs().map((job) => [job.name, job.cron.expression]))
    expect(jobs).toEqual({
      stocks: '30 7 * * 1-5',
      sectors: '30 7 * * 1-5',
      index_components: '30 7 * * 1-5',
      ohlcv_daily: '30 18 * * 1-5',
      market_cap_daily: '30 18 * * 1-5',
      investor_trading: '0 19 * * 1-5',
      ohlcv_minute: '20 19 * * 1-5',
      floating_shares: '40 7 * * 1-5',
      etf_portfolios: '30 7 * * 1',
    })
    // No default job pins a source: each follows the source plan.
    expect(resolveJobs().every((job) => job.source === undefined)).toBe(true)
  })

  test('a schedule file overrides a cron, a freshness limit, disables a job and adds one', () => {
    const file = parseScheduleFile(JSON.stringify({
      jobs: {
        ohlcv_daily: { cron: '45 18 * * 1-5', staleAfterHours: 3 },
        etf_portfolios: { enabled: false },
        investor_trading: { staleAfterHours: null },
        ohlcv_daily_naver: { dataset: 'ohlcv_daily', source: 'naver', cron: '0 20 * * 1-5' },
      },
    }))
    const jobs = new Map(resolveJobs(file).map((job) => [job.name, job]))
    expect(jobs.get('ohlcv_daily')).toMatchObject({ dataset: 'ohlcv_daily', source: undefined, staleAfterHours: 3, cron: { expression: '45 18 * * 1-5' } })
    expect(jobs.has('etf_portfolios')).toBe(false)
    expect(jobs.get('investor_trading')?.staleAfterHours).toBeUndefined()
    expect(jobs.get('ohlcv_daily_naver')).toMatchObject({ dataset: 'ohlcv_daily', source: 'naver', staleAfterHours: 6 })
    expect(jobs.size).toBe(Object.keys(DEFAULT_JOBS).length)
  })

  test('a bad file names every problem', () => {
    const bad = JSON.stringify({ jobs: { ohlcv_daily: { cron: '99 18 * * *', colour: 'red' }, brand_new: { cron: '0 8 * * *' }, 'Bad-Name': {} } })
    let error: unknown
    try {
      parseScheduleFile(bad)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems.join('\n')
    expect(problems).toMatch(/jobs\.ohlcv_daily\.cron: invalid cron expression "99 18 \* \* \*": minute/)
    expect(problems).toMatch(/colour/)
    expect(problems).toMatch(/jobs\.brand_new\.dataset: a new job needs "dataset"/)
    expect(problems).toMatch(/lower_snake_case/)
    expect(() => parseScheduleFile('{ not json')).toThrow(/not valid JSON/)
  })

  test('SCHEDULE_FILE is read from disk; a missing file is a configuration error', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'kmd-schedule-'))
    const path = join(folder, 'schedule.json')
    await writeFile(path, JSON.stringify({ jobs: { stocks: { cron: '0 8 * * 1-5' } } }))
    expect((await loadJobs(path)).find((job) => job.name === 'stocks')?.cron.expression).toBe('0 8 * * 1-5')
    await expect(loadJobs(join(folder, 'missing.json'))).rejects.toThrow(/SCHEDULE_FILE: cannot read .*ENOENT/)
    expect(await loadJobs(undefined)).toHaveLength(Object.keys(DEFAULT_JOBS).length)
  })
})

describe('expected load (freshness)', () => {
  const job = (name: string) => resolveJobs().find((candidate) => candidate.name === name)!

  test('OHLCV of a day is due six hours after its 18:30 slot', () => {
    // Thursday 2026-11-19 00:29 KST: Wednesday's load is not yet due, Tuesday's is
    expect(expectedLoad(job('ohlcv_daily'), new Date('2026-11-18T15:29:00Z'))?.tradeDate).toBe('2026-11-17')
    expect(expectedLoad(job('ohlcv_daily'), new Date('2026-11-18T15:30:00Z'))?.tradeDate).toBe('2026-11-18')
  })

  test('over a weekend and a holiday the last trading day stays the expectation', () => {
    // Monday 2026-10-12 12:00 KST: Friday 2026-10-09 was 한글날, so Thursday 2026-10-08 is expected
    expect(expectedLoad(job('ohlcv_daily'), new Date('2026-10-12T03:00:00Z'))?.tradeDate).toBe('2026-10-08')
    // the weekly ETF job: Monday 2026-10-05 was a holiday, so the Monday before
    expect(expectedLoad(job('etf_portfolios'), new Date('2026-10-11T00:00:00Z'))?.tradeDate).toBe('2026-09-28')
  })

  test('a job without a freshness limit expects nothing', () => {
    expect(expectedLoad({ ...job('ohlcv_daily'), staleAfterHours: undefined }, new Date('2026-11-18T15:30:00Z'))).toBeUndefined()
  })
})
