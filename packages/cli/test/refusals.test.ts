import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addDays, seoulDate } from '@kmd/core'
import { describe, expect, test } from 'vitest'
import { runCli } from './run-cli.ts'

// Refused before the database is opened: the database URL points nowhere on purpose.
const NOWHERE = { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password' }

describe('etl refuses dates that cannot be loaded', () => {
  test('run: a day after today in Korea is refused, naming today', async () => {
    const today = seoulDate()
    const tomorrow = addDays(today, 1)
    const result = await runCli(['run', '--dataset', 'ohlcv_daily', '--date', tomorrow], NOWHERE)
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe(`refused: ${tomorrow} is after today in Korea (${today})`)
    expect(result.stdout).toBe('')
  })

  test('backfill: a --to after today is refused before planning', async () => {
    const today = seoulDate()
    const result = await runCli(['backfill', '--dataset', 'ohlcv_daily', '--from', addDays(today, -7), '--to', addDays(today, 3), '--dry-run'], NOWHERE)
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe(`refused: --to ${addDays(today, 3)} is after today in Korea (${today})`)
  })

  test('an impossible date says which part is wrong', async () => {
    const result = await runCli(['run', '--dataset', 'ohlcv_daily', '--date', '2024-02-30'], NOWHERE)
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('2024-02-30 is not a calendar date: 2024-02 has 29 days')
  })
})

describe('etl refuses a source without its login before any request', () => {
  const noLogin = { ...NOWHERE, KRX_MEMBER_ID: '', KRX_MEMBER_PASSWORD: '', KIS_APP_KEY: '', KIS_APP_SECRET: '', INFOMAX_API_TOKEN: '' }

  test('run --source krx names both KRX variables', async () => {
    const result = await runCli(['run', '--dataset', 'ohlcv_daily', '--date', '2025-11-11', '--source', 'krx'], noLogin)
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('refused: krx needs KRX_MEMBER_ID and KRX_MEMBER_PASSWORD, not set (set them in .env or the environment)')
  })

  test('run following the plan refuses when the primary has no login', async () => {
    const result = await runCli(['run', '--dataset', 'market_calendar', '--date', '2025-11-11'], noLogin)
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('refused: kis needs KIS_APP_KEY and KIS_APP_SECRET, not set (set them in .env or the environment)')
  })

  test('backfill --source infomax names its token', async () => {
    const result = await runCli(['backfill', '--dataset', 'ohlcv_daily', '--from', '2025-11-10', '--to', '2025-11-11', '--source', 'infomax'], noLogin)
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('refused: infomax needs INFOMAX_API_TOKEN, not set (set it in .env or the environment)')
  })

  test('run following the plan passes over fallbacks without a login in one warning line', async () => {
    const result = await runCli(['run', '--dataset', 'ohlcv_daily', '--date', '2025-11-11'], { ...noLogin, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password' })
    expect(result.stderr).toContain('warning: ohlcv_daily: passing over kis (KIS_APP_KEY, KIS_APP_SECRET not set) and infomax (INFOMAX_API_TOKEN not set)\n')
  })
})

describe('etl says what is wrong with the question', () => {
  test('quality on a Saturday says it is not a trading day', async () => {
    const result = await runCli(['quality', '--date', '2026-11-28'], NOWHERE)
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('refused: 2026-11-28 is not a trading day (Saturday): no checks run on it')
  })

  test('status and quality on a database never migrated say to run migrate', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kmd-unmigrated-'))
    try {
      const env = { DATABASE_URL: undefined, EMBEDDED_DATA_DIR: dataDir }
      for (const command of ['status', 'quality']) {
        const result = await runCli([command], env)
        expect(result.code).toBe(2)
        expect(result.stderr.trim()).toBe(`refused: the database (embedded at ${dataDir}) is not migrated: run \`pnpm etl migrate\` first`)
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
