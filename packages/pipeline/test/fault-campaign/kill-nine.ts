import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import fc from 'fast-check'
import { createLogger, loadConfig, tradingDaysBetween, type TradeDate } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import type { MarketDatabase } from '@kmd/db'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { krxCollectors, runBackfill } from '../../src/index.ts'

/**
 * kill -9 trials: `etl backfill` in a child process (node --import tsx, as the CLI tests start
 * it) over a few simulator days, killed with SIGKILL at a random point N times, then run once
 * more to the end. What must hold afterwards, as the next process sees it: production equals a
 * clean load of the same days, no run is left RUNNING, no claim is left, and no partition was
 * skipped or left unloaded.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const STOCKS = 30
const DATASET = 'ohlcv_daily'
const VALUE_COLUMNS = ['open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'change', 'change_rate']

/** Where the child writes: environment for the CLI, and a way for this process to look afterwards. */
export interface KillNineTarget {
  backend: string
  /** DATABASE_URL (server) or EMBEDDED_DATA_DIR (embedded) for the child. */
  childEnv: Record<string, string | undefined>
  /** Opens the target in this process (the embedded engine allows one process at a time: close it before the next child). */
  open(): Promise<MarketDatabase>
}

export interface KillNineTrial {
  /** Runs this child finished before the countdown to SIGKILL started (0: counting from its login), and the countdown. */
  afterRuns: number
  delayMs: number
  /** false when the child had finished on its own before the signal. */
  killed: boolean
  /** Runs the child had logged as finished when it died. */
  runsFinished: number
  /** RUNNING log rows and claims right after the kill, before another process looked (undefined: not inspected). */
  runningAfterKill: number | undefined
  claimsAfterKill: number | undefined
}

export interface KillNineReport {
  backend: string
  seed: number
  days: TradeDate[]
  trials: KillNineTrial[]
  kills: number
  resume: { code: number; stdoutTail: string; stderrTail: string }
  /** Problems left after the resume; each one breaks a promise (empty = all held). */
  leftovers: string[]
}

export interface KillNineOptions {
  seed: number
  trials: number
  from?: TradeDate
  to?: TradeDate
  /** Longest wait after the chosen point before SIGKILL (a partition takes half a second to a second). */
  maxDelayMs?: number
  /** Look at the log after each kill (costly on the embedded engine, which opens in seconds). */
  inspectEachTrial?: boolean
}

export async function runKillNineTrials(target: KillNineTarget, reference: MarketDatabase, options: KillNineOptions): Promise<KillNineReport> {
  // Three weeks: each child is killed within its first two runs, so every trial still has work to die in.
  const from = options.from ?? '2025-09-01'
  const to = options.to ?? '2025-09-19'
  const days = tradingDaysBetween(from, to)
  const simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  try {
    await cleanLoad(reference, simulator, from, to)
    const env = {
      KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', LOG_LEVEL: 'info', LOG_FORMAT: 'json',
      ...target.childEnv,
    }
    const args = ['backfill', '--dataset', DATASET, '--from', from, '--to', to, '--concurrency', '1']
    const plans = fc.sample(fc.record({ afterRuns: fc.nat(1), delayMs: fc.nat(options.maxDelayMs ?? 1_000) }), { seed: options.seed, numRuns: options.trials })
    const trials: KillNineTrial[] = []
    for (const plan of plans) {
      const outcome = await runCli(args, env, plan)
      const trial: KillNineTrial = { ...plan, killed: outcome.killed, runsFinished: (outcome.stdout + outcome.stderr).match(RUN_FINISHED)?.length ?? 0, runningAfterKill: undefined, claimsAfterKill: undefined }
      if (options.inspectEachTrial ?? true) {
        const database = await target.open()
        try {
          trial.runningAfterKill = await countRunning(database)
          trial.claimsAfterKill = (await sql<{ n: number }>`select count(*)::int as n from partition_claims`.execute(database.db)).rows[0]!.n
        } finally {
          await database.close()
        }
      }
      trials.push(trial)
    }
    const resumed = await runCli(args, env, undefined)
    const leftovers: string[] = []
    if (resumed.code !== 0) leftovers.push(`the resumed backfill exited ${resumed.code}`)
    const database = await target.open()
    try {
      leftovers.push(...(await compareWithReference(database, reference, days)))
    } finally {
      await database.close()
    }
    return {
      backend: target.backend, seed: options.seed, days, trials, kills: trials.filter((trial) => trial.killed).length,
      resume: { code: resumed.code, stdoutTail: resumed.stdout.slice(-1500), stderrTail: resumed.stderr.slice(-1500) }, leftovers,
    }
  } finally {
    await simulator.stop()
  }
}

async function cleanLoad(reference: MarketDatabase, simulator: RunningSimulator, from: TradeDate, to: TradeDate): Promise<void> {
  const logger = createLogger({ level: 'silent' })
  const config = loadConfig({ KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500' })
  const summary = await runBackfill({ database: reference, logger, collectors: { krx: krxCollectors(createKrxClient(config, { logger })) } }, { dataset: DATASET, source: 'krx', from, to })
  if (summary.finished === 0) throw new Error(`the clean reference load of ${from}..${to} ran nothing: ${JSON.stringify(summary)}`)
}

// What the child logs (LOG_LEVEL=info, LOG_FORMAT=json) as it goes: the login, then one line per run.
const LOGGED_IN = /logged in to the KRX data portal/
const RUN_FINISHED = /"msg":"run finished"/g

function runCli(args: string[], env: Record<string, string | undefined>, kill: { afterRuns: number; delayMs: number } | undefined) {
  const childEnv: Record<string, string> = {}
  for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) childEnv[key] = value
  if (env.DATABASE_URL === undefined) delete childEnv.DATABASE_URL
  return new Promise<{ code: number; stdout: string; stderr: string; killed: boolean }>((resolve) => {
    // Straight to node, not through the tsx wrapper: SIGKILL must hit the process doing the work.
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: REPO_ROOT, env: childEnv })
    let stdout = ''
    let stderr = ''
    let exited = false
    let killed = false
    let timer: NodeJS.Timeout | undefined
    const arm = () => {
      if (!kill || timer) return
      timer = setTimeout(() => {
        if (exited) return
        killed = child.kill('SIGKILL')
      }, kill.delayMs)
    }
    const reached = () => {
      const output = stdout + stderr
      return LOGGED_IN.test(output) && (output.match(RUN_FINISHED) ?? []).length >= (kill?.afterRuns ?? 0)
    }
    const watch = () => {
      if (kill && reached()) arm()
    }
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      watch()
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      watch()
    })
    child.on('close', (code, signal) => {
      exited = true
      if (timer) clearTimeout(timer)
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr, killed: killed && signal === 'SIGKILL' })
    })
  })
}

async function countRunning(database: MarketDatabase): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from data_collection_logs where status = 'RUNNING'`.execute(database.db)
  return rows[0]!.n
}

async function rowsOf(database: MarketDatabase, days: TradeDate[]): Promise<Map<string, string>> {
  const { rows } = await sql<{ key: string; value: string }>`
    select time::text || ' ' || stock_code as key, ${sql.raw(`concat_ws('|', ${VALUE_COLUMNS.map((column) => `${column}::text`).join(', ')})`)} as value
    from ${sql.table(DATASET)} where time between ${days[0]!} and ${days[days.length - 1]!}`.execute(database.db)
  return new Map(rows.map((row) => [row.key, row.value]))
}

async function compareWithReference(database: MarketDatabase, reference: MarketDatabase, days: TradeDate[]): Promise<string[]> {
  const problems: string[] = []
  const [loaded, clean] = [await rowsOf(database, days), await rowsOf(reference, days)]
  const missing = [...clean.keys()].filter((key) => !loaded.has(key))
  const differing = [...clean].filter(([key, value]) => loaded.has(key) && loaded.get(key) !== value).map(([key]) => key)
  const extra = [...loaded.keys()].filter((key) => !clean.has(key))
  if (missing.length > 0) problems.push(`${missing.length} production rows of the clean load missing (e.g. ${missing.slice(0, 3).join(', ')})`)
  if (differing.length > 0) problems.push(`${differing.length} production rows differ from the clean load (e.g. ${differing.slice(0, 3).join(', ')})`)
  if (extra.length > 0) problems.push(`${extra.length} production rows the clean load does not have (e.g. ${extra.slice(0, 3).join(', ')})`)
  const running = await countRunning(database)
  if (running > 0) problems.push(`${running} data_collection_logs rows still RUNNING after the resumed process ran`)
  const { rows: claims } = await sql<{ partition_key: string; run_id: string }>`select partition_key, run_id::text from partition_claims`.execute(database.db)
  if (claims.length > 0) problems.push(`${claims.length} partition claims left: ${claims.map((claim) => claim.partition_key).join(', ')}`)
  const { rows: latest } = await sql<{ day: string; status: string; message: string | null }>`
    select distinct on (partition_key) partition_key as day, status, error_message as message
    from data_collection_logs where data_type = ${DATASET} and partition_key between ${days[0]!} and ${days[days.length - 1]!}
    order by partition_key, started_at desc`.execute(database.db)
  const byDay = new Map(latest.map((row) => [row.day, row]))
  for (const day of days) {
    const last = byDay.get(day)
    if (!last) problems.push(`${day}: never run`)
    else if (last.status !== 'SUCCESS') problems.push(`${day}: last run ${last.status}${last.message ? ` (${last.message})` : ''}`)
  }
  const { rows: skipped } = await sql<{ day: string; message: string | null }>`
    select partition_key as day, error_message as message from data_collection_logs
    where data_type = ${DATASET} and status = 'SKIPPED' and partition_key between ${days[0]!} and ${days[days.length - 1]!}`.execute(database.db)
  const skippedByDay = new Map<string, string[]>()
  for (const row of skipped) skippedByDay.set(row.day, [...(skippedByDay.get(row.day) ?? []), row.message ?? 'no reason'])
  for (const [day, reasons] of skippedByDay) problems.push(`${day}: ${reasons.length} run(s) SKIPPED (${[...new Set(reasons)].join('; ')})`)
  return problems
}
