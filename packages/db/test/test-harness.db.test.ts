import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { LOCAL_TEST_DATABASE_URL, openMigratedTestDatabase, openTestDatabase, sweepLeftovers, testBackend } from '../src/testing/index.ts'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CHILD = fileURLToPath(new URL('./fixtures/harness-child.ts', import.meta.url))
const serverUrl = process.env.TEST_DATABASE_URL ?? LOCAL_TEST_DATABASE_URL

async function databases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like 'kmd\\_test\\_%'`)
    return rows.map((row) => row.datname)
  } finally {
    await client.end()
  }
}

/** Runs the harness in a child process; resolves with the database it created, once the child has ended. */
function child(mode: 'exit' | 'throw' | 'SIGTERM' | 'SIGINT' | 'SIGKILL'): Promise<{ name: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {
      cwd: REPO_ROOT,
      env: { ...process.env, TEST_BACKEND: 'server', TEST_DATABASE_URL: serverUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let name = ''
    let stderr = ''
    process_.stderr.on('data', (chunk) => (stderr += chunk))
    process_.stdout.on('data', (chunk: Buffer) => {
      name += chunk.toString()
      if (name.endsWith('\n') && mode.startsWith('SIG')) process_.kill(mode as NodeJS.Signals)
    })
    process_.on('exit', (code) => (name.trim() ? resolve({ name: name.trim(), code }) : reject(new Error(`child created nothing: ${stderr}`))))
  })
}

// Server backends only: the embedded database lives in memory and leaves nothing behind.
describe.skipIf(testBackend() !== 'server')('test harness databases', () => {
  test('are named for the sweep and dropped by dispose', async () => {
    const target = await openTestDatabase()
    const name = new URL(target.url!).pathname.slice(1)
    expect(name).toMatch(/^kmd_test_\d{10}_[0-9a-f]{8}$/)
    expect(await databases()).toContain(name)
    await target.dispose()
    await target.dispose() // twice is harmless
    expect(await databases()).not.toContain(name)
  })

  test('a failed migration drops the database it was applied to', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'kmd-bad-migrations-'))
    try {
      await writeFile(join(folder, '0001_broken.ts'), `import { sql } from 'kysely'\nexport async function up(db) { await sql\`select * from no_such_table\`.execute(db) }\n`)
      const before = await databases()
      await expect(openMigratedTestDatabase({ migrationsDir: folder })).rejects.toThrow(/no_such_table/)
      expect((await databases()).filter((name) => !before.includes(name))).toEqual([])
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })

  test('a process that exits, throws, or gets SIGTERM or SIGINT without dispose drops its database', async () => {
    const ended = await Promise.all((['exit', 'throw', 'SIGTERM', 'SIGINT'] as const).map((mode) => child(mode)))
    const left = await databases()
    for (const { name } of ended) expect(left).not.toContain(name)
  })

  test('a process killed outright leaves its database to the next sweep, which drops it (its creator is gone)', async () => {
    const { name } = await child('SIGKILL')
    expect(await databases()).toContain(name)
    const mine = await openTestDatabase()
    try {
      const dropped = await sweepLeftovers(serverUrl)
      expect(dropped).toContain(name)
      expect(dropped).not.toContain(new URL(mine.url!).pathname.slice(1)) // alive: kept
      expect(await databases()).not.toContain(name)
    } finally {
      await mine.dispose()
    }
  })
})
