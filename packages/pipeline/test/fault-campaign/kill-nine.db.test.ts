import { fileURLToPath } from 'node:url'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { migrateToLatest, openDatabase } from '@kmd/db'
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '@kmd/db/testing'
import { runKillNineTrials, type KillNineTarget } from './kill-nine.ts'

/**
 * kill -9 in the suite: `etl backfill` over a few simulator days in a child process, killed with
 * SIGKILL at random points (fast-check picks after how many runs and how long after), then
 * resumed. A failure names the seed; FAULT_CAMPAIGN_SEED=<seed> replays the same kill points.
 */

// This file, however it is named (a red file is renamed into the suite once it passes).
const FILE = fileURLToPath(import.meta.url).replace(/^.*?(?=packages\/)/, '')
const seed = Number(process.env.FAULT_CAMPAIGN_SEED ?? Date.now() % 2 ** 31)
const KILL_TRIALS = Number(process.env.FAULT_CAMPAIGN_KILL_TRIALS ?? 5)
const replay = `seed ${seed} (replay: FAULT_CAMPAIGN_SEED=${seed}, ${FILE} on ${process.env.TEST_BACKEND ?? 'embedded'})`

describe('kill -9 during a backfill', () => {
  let reference: TestDatabase
  let target: KillNineTarget
  let cleanup: () => Promise<void>

  beforeAll(async () => {
    reference = await openMigratedTestDatabase()
    if (testBackend() !== 'embedded') {
      const opened = await openMigratedTestDatabase()
      const url = opened.url!
      await opened.database.close()
      target = { backend: opened.backend, childEnv: { DATABASE_URL: url }, open: () => openDatabase({ databaseUrl: url, embeddedDataDir: '', databasePoolSize: 2 }) }
      cleanup = () => opened.dispose().catch(() => undefined)
    } else {
      // The embedded engine allows one process per data folder: the children get a folder of their own.
      const dir = await mkdtemp(join(tmpdir(), 'kmd-kill-nine-'))
      const open = () => openDatabase({ databaseUrl: undefined, embeddedDataDir: dir, databasePoolSize: 1 })
      const database = await open()
      const migrated = await migrateToLatest(database.db)
      await database.close()
      if (migrated.error) throw migrated.error
      target = { backend: 'embedded', childEnv: { DATABASE_URL: undefined, EMBEDDED_DATA_DIR: dir }, open }
      cleanup = () => rm(dir, { recursive: true, force: true })
    }
  }, 120_000)
  afterAll(async () => {
    await reference?.dispose()
    await cleanup?.()
  })

  test(`${KILL_TRIALS} SIGKILLs at random points, then a resume: production equals a clean load, no RUNNING run or claim left, nothing skipped`, async () => {
    // On the embedded engine every look costs an engine start: only the end state is inspected there.
    const result = await runKillNineTrials(target, reference.database, { seed, trials: KILL_TRIALS, inspectEachTrial: target.backend !== 'embedded' })
    expect(result.kills, `${replay}; trials ${JSON.stringify(result.trials)}`).toBeGreaterThan(0)
    expect(result.leftovers, `${replay}; trials ${JSON.stringify(result.trials)}; resume: ${result.resume.stderrTail}`).toEqual([])
  }, 600_000)
})
