import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MIGRATIONS_DIR } from '@kmd/db'
import { openTestDatabase, type TestDatabase } from '@kmd/db/testing'
import { runCli } from './run-cli.ts'

let target: TestDatabase
let env: Record<string, string | undefined>
let dataDir: string | undefined

beforeAll(async () => {
  target = await openTestDatabase()
  if (target.url) {
    env = { DATABASE_URL: target.url }
    // The CLI opens its own connection; the harness's own is not needed.
  } else {
    // The embedded engine allows one process per data folder: the CLI gets its own folder.
    await target.dispose()
    dataDir = await mkdtemp(join(tmpdir(), 'kmd-cli-'))
    env = { DATABASE_URL: undefined, EMBEDDED_DATA_DIR: dataDir }
  }
})
afterAll(async () => {
  if (target.url) await target.dispose()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('pnpm etl migrate', () => {
  test('lists what it applied, and running it again is a no-op', async () => {
    const first = await runCli(['migrate'], env)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const migrations = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{4}_[a-z0-9_]+\.ts$/.test(file))
    expect(first.stdout).toContain(`migrations applied (${migrations.length})`)
    expect(first.stdout).toContain('0001_reference_data')

    const second = await runCli(['migrate'], env)
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('migrations: none pending, schema is up to date')
    expect(second.stdout).not.toContain('sql scripts applied')
    // Two CLI processes, each starting the embedded engine from its files: ~30 s each on a busy machine.
  }, 180_000)

  test('status reports the database and every dataset', async () => {
    const result = await runCli(['status', '--json'], env)
    expect(result.code).toBe(0)
    const status = JSON.parse(result.stdout)
    expect(status.freshness.map((row: { data_type: string }) => row.data_type)).toContain('ohlcv_daily')
    expect(status.database).not.toMatch(/:[^*:@/]+@/) // never a password
  })
})
