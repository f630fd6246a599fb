import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLogger, loadConfig } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import { migrateToLatest, openDatabase, type MarketDatabase } from '@kmd/db'
import { openTestDatabase, type TestDatabase } from '@kmd/db/testing'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { krxCollectors, RunLedger, runJob, wasHeld, type PipelineDeps } from '../src/index.ts'

// A run whose process dies is recognised as dead by the next process that looks: its row ends
// ABANDONED with the reason, its claim is free at once, its staging batch does not linger.
// The dying process is a real child process killed with SIGKILL.

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DOOMED = fileURLToPath(new URL('./fixtures/doomed-run.ts', import.meta.url))

let simulator: RunningSimulator
let server: TestDatabase | undefined
let dataDir: string | undefined
let childEnv: Record<string, string>
let database: MarketDatabase
let deps: () => PipelineDeps
const logger = createLogger({ level: 'silent' })

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: 40 })
  const krx = { KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '60000', LOG_LEVEL: 'silent' }
  const target = await openTestDatabase()
  const inherited = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined))
  delete inherited.DATABASE_URL
  if (target.url) {
    server = target
    const migrated = await migrateToLatest(target.database.db)
    if (migrated.error) throw migrated.error
    database = target.database
    childEnv = { ...inherited, ...krx, DATABASE_URL: target.url }
  } else {
    // The embedded engine admits one process per data folder: the child and this process take turns on a folder.
    await target.dispose()
    dataDir = await mkdtemp(join(tmpdir(), 'kmd-liveness-'))
    const setup = await openDatabase({ databaseUrl: undefined, embeddedDataDir: dataDir, databasePoolSize: 1 })
    const migrated = await migrateToLatest(setup.db)
    await setup.close()
    if (migrated.error) throw migrated.error
    childEnv = { ...inherited, ...krx, EMBEDDED_DATA_DIR: dataDir }
  }
  const config = loadConfig(krx)
  const collectors = { krx: krxCollectors(createKrxClient(config, { logger, retries: 2, minRetryDelayMs: 5 })) }
  deps = () => ({ database, logger, collectors })
})
afterAll(async () => {
  if (server) await server.dispose()
  else await database?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
  await simulator?.stop()
})

/** Closes this process's embedded database so a child may open the folder; no-op on a server. */
async function handOver(): Promise<void> {
  if (!dataDir || !database) return
  await database.close()
}
/** Reopens the embedded folder after the child died (the next process that looks). */
async function takeBack(): Promise<void> {
  if (dataDir) database = await openDatabase({ databaseUrl: undefined, embeddedDataDir: dataDir, databasePoolSize: 1 })
}

/** Spawns the doomed child and SIGKILLs it once `ready` says so; resolves when it is dead. */
async function runAndKill(env: Record<string, string>, ready: (stdout: string) => boolean): Promise<{ stdout: string; pid: number }> {
  // Named sessions, so the test can wait for the server to end them (below).
  const sessionName = `kmd-doomed-${process.pid}-${Date.now()}`
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', DOOMED], { cwd: REPO_ROOT, env: { ...childEnv, ...env, PGAPPNAME: sessionName } })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)))
  const deadline = Date.now() + 60_000
  let outcome: NodeJS.Signals | number | null | undefined
  void exited.then((value) => (outcome = value))
  while (!ready(stdout)) {
    if (outcome !== undefined) throw new Error(`the child exited (${outcome}) before it was ready: ${stderr}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the child never got ready: ${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
  await sessionsEnded(sessionName)
  return { stdout, pid: child.pid! }
}

/**
 * A server ends a killed client's sessions when it reads their closed sockets, a moment after
 * the kill on a loaded machine; until then the dead run's lease still looks held. The next
 * process that looks comes after that moment, so the test waits for it too (no-op embedded).
 */
async function sessionsEnded(sessionName: string): Promise<void> {
  if (dataDir) return
  const deadline = Date.now() + 10_000
  for (;;) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = ${sessionName}`.execute(database.db)
    if (rows[0]!.n === 0) return
    if (Date.now() > deadline) throw new Error(`the killed child's ${rows[0]!.n} server session(s) were still open after 10 s`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function runningRows(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from data_collection_logs where status = 'RUNNING'`.execute(database.db)
  return rows[0]!.n
}

describe('a run whose process is killed with SIGKILL', () => {
  test('mid-collection: the next process marks it ABANDONED, its claim is free at once and a resume loads the partition', async () => {
    const day = '2026-11-18'
    const before = simulator.requests.length
    simulator.faults.inject({ kind: 'slow', match: { bld: 'MDCSTAT01501' }, delayMs: 30_000, times: Infinity })
    await handOver()
    const { pid } = await runAndKill({ DOOMED_MODE: 'collect', DOOMED_DATASET: 'ohlcv_daily', DOOMED_DAY: day }, () =>
      simulator.requests.slice(before).some((request) => request.form.bld?.includes('MDCSTAT01501')),
    )
    simulator.faults.clear()
    await takeBack()

    const reaped = await new RunLedger(database).reap()
    expect(reaped.runs).toHaveLength(1)
    expect(reaped.runs[0]).toMatchObject({ dataset: 'ohlcv_daily', partitionKey: day })
    expect(reaped.runs[0]!.reason).toMatch(new RegExp(`^process ${pid}@${hostname()} died \\(`))
    const row = await database.db.selectFrom('data_collection_logs').selectAll().where('run_id', '=', reaped.runs[0]!.runId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'ABANDONED', error_message: reaped.runs[0]!.reason })
    expect(row.completed_at).not.toBeNull()
    const { rows: claims } = await sql`select * from partition_claims`.execute(database.db)
    expect(claims).toEqual([])

    // No five-minute wait: the resume runs at once and loads the partition.
    const resumed = await runJob(deps(), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: day })
    expect(resumed.status).toBe('SUCCESS')
    expect(await runningRows()).toBe(0)
    expect(await new RunLedger(database).reap()).toEqual({ runs: [], slots: [], batches: 0 })
  })

  test('after staging: its validated batch ends abandoned with its staged rows dropped, and a resume needs no reaper call of its own', async () => {
    const day = '2026-11-17'
    await handOver()
    const { stdout } = await runAndKill({ DOOMED_MODE: 'staged', DOOMED_DATASET: 'market_cap_daily', DOOMED_DAY: day }, (out) => out.includes('READY '))
    const [, runId, batchId] = /READY (\S+) (\S+)/.exec(stdout)!
    await takeBack()

    // runJob reaps before it claims: the dead run's claim does not make it skip.
    const resumed = await runJob(deps(), { dataset: 'market_cap_daily', source: 'krx', tradeDate: day })
    expect(resumed.status).toBe('SUCCESS')
    const dead = await database.db.selectFrom('data_collection_logs').select(['status', 'error_message']).where('run_id', '=', runId!).executeTakeFirstOrThrow()
    expect(dead.status).toBe('ABANDONED')
    expect(dead.error_message).toMatch(/^process \d+@.+ died \(/)
    const batch = await database.db.selectFrom('staging.batches').select('status').where('batch_id', '=', batchId!).executeTakeFirstOrThrow()
    expect(batch.status).toBe('abandoned')
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from staging.market_cap_daily where batch_id = ${batchId}`.execute(database.db)
    expect(rows[0]!.n).toBe(0)
    expect(await runningRows()).toBe(0)
  })
})

describe('claims follow the liveness of their run', () => {
  test('a partition held by a live run is not loaded twice, and the skip says it was held', async () => {
    const day = '2026-11-16'
    const ledger = new RunLedger(database)
    const lease = await ledger.lease()
    try {
      const holder = '00000000-0000-4000-8000-000000000011'
      await ledger.start({ runId: holder, dataset: 'ohlcv_daily', source: 'krx', partitionKey: day, tradeDate: day, trigger: 'manual', leaseKey: lease.key })
      const claim = await ledger.claim('ohlcv_daily', day, holder, 'other-host:42')
      expect(claim.claimed).toBe(true)
      const before = simulator.requests.length
      const result = await runJob(deps(), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: day })
      expect(result.status).toBe('SKIPPED')
      expect(result.message).toMatch(/other-host:42/)
      expect(wasHeld(result)).toBe(true)
      expect(simulator.requests.length).toBe(before)
    } finally {
      await lease.release()
    }
    // The holder's lease is gone now (nothing else of this process holds one): the next run reaps it and loads.
    expect(await runJob(deps(), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: day })).toMatchObject({ status: 'SUCCESS', message: undefined })
    const holderRow = await database.db.selectFrom('data_collection_logs').select('status').where('run_id', '=', '00000000-0000-4000-8000-000000000011').executeTakeFirstOrThrow()
    expect(holderRow.status).toBe('ABANDONED')
    const { rows } = await sql`select * from partition_claims`.execute(database.db)
    expect(rows).toEqual([]) // released when the run ended
  })

  test('a claim whose run is not RUNNING (it finished, or never wrote its row) is taken over at once', async () => {
    await sql`insert into partition_claims (dataset, partition_key, run_id, claimed_by)
              values ('ohlcv_daily', '2026-11-13', '00000000-0000-4000-8000-000000000002', 'crashed:1')`.execute(database.db)
    expect(await runJob(deps(), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2026-11-13' })).toMatchObject({ status: 'SUCCESS', message: undefined })
  })
})
