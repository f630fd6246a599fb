import { sql } from 'kysely'
import { createLogger, loadConfig, type TradeDate } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import type { MarketDatabase } from '@kmd/db'
import { DEFAULT_SOURCE_PLAN, krxCollectors, runJob, runWithFallback, type JobResult, type PipelineDeps } from '../../src/index.ts'
import { honestPayload, payloadsFor, type Payload } from './mutations.ts'
import { startPayloadServer, type ServedAnswer } from './payload-server.ts'
import { loadRecordedDay, type RecordedDay } from './recorded-day.ts'

/**
 * The payload campaign: serve a corrupted version of a recorded KRX day over loopback, run the
 * real pipeline into a real database, and check the three promises against a reference taken
 * from the honest load of the same answer:
 *   (a) production holds only rows equal to what the honest source sent;
 *   (b) no untouched row of the answer is lost for a bad one (key conflicts aside, counted);
 *   (c) a run that delivered less than the day's stocks is PARTIAL or FAILED, never SUCCESS.
 */

export const CAMPAIGN_DATASETS = ['ohlcv_daily', 'market_cap_daily'] as const
export type CampaignDataset = (typeof CAMPAIGN_DATASETS)[number]
const VALUE_COLUMNS: Record<CampaignDataset, string[]> = {
  ohlcv_daily: ['open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'change', 'change_rate'],
  market_cap_daily: ['close_price', 'market_cap', 'shares_outstanding'],
}

export type Invariant = 'a:corrupt-row' | 'b:good-row-lost' | 'c:false-success' | 'log:status-mismatch' | 'run:threw'

export interface Violation {
  invariant: Invariant
  dataset: CampaignDataset
  kind: string
  /** The payload's own description (what was changed). */
  payload: string
  /** Index of the payload in the seed's sequence, for replay. */
  index: number
  status: string
  detail: string
  /** Rows concerned (corrupt or lost), for the tally. */
  rows: number
}

export interface PayloadOutcome {
  index: number
  kind: string
  dataset: CampaignDataset
  status: string
  promoted: number
  corruptRows: number
  goodRowsLost: number
  heldBack: number
  heldBackReasons: string[]
  falseSuccess: boolean
  message: string | undefined
}

export interface CampaignReport {
  seed: number
  payloadsTried: number
  runs: number
  corruptRows: number
  goodRowsLost: number
  heldBack: number
  falseSuccess: number
  violations: Violation[]
  outcomes: PayloadOutcome[]
}

type Row = Record<string, string | null>

export interface Campaign {
  day: RecordedDay
  /** Production rows of the honest load, by dataset and stock code. */
  reference: Record<CampaignDataset, Map<string, Row>>
  /** Runs one payload through both datasets and checks it. */
  runPayload(payload: Payload, index: number): Promise<{ outcomes: PayloadOutcome[]; violations: Violation[] }>
  run(options: { seed: number; payloads: number; onPayload?: (payload: Payload, index: number, outcomes: PayloadOutcome[]) => void }): Promise<CampaignReport>
  stop(): Promise<void>
}

export class CampaignSetupError extends Error {
  override readonly name = 'CampaignSetupError'
}

const toKrxDate = (date: TradeDate) => date.replace(/-/g, '')

/**
 * Seeds `database` (already migrated, otherwise empty) with the stock master and the previous
 * trading day, loads the honest answer once as the reference, and returns the campaign.
 */
export async function openCampaign(database: MarketDatabase): Promise<Campaign> {
  const day = loadRecordedDay()
  const recordedBody = JSON.stringify({ OutBlock_1: day.rows, CURRENT_DATETIME: day.currentDatetime })
  let current: ServedAnswer = honestPayload(day, recordedBody).answer
  const json = (document: unknown): ServedAnswer => ({ status: 200, contentType: 'text/html; charset=utf-8', body: Buffer.from(JSON.stringify(document)) })
  const server = await startPayloadServer((form) => {
    const screen = form.bld?.split('/').pop()
    if (screen === 'MDCSTAT01501' && form.trdDd === toKrxDate(day.tradeDate)) return current
    if (screen === 'MDCSTAT01501' && form.trdDd === toKrxDate(day.previousDay)) return json({ OutBlock_1: day.previousDayRows, CURRENT_DATETIME: day.currentDatetime })
    if (screen === 'MDCSTAT01901') return json({ OutBlock_1: day.masterRows, CURRENT_DATETIME: day.currentDatetime })
    if (screen === 'MDCSTAT23801') return json({ output: [], CURRENT_DATETIME: day.currentDatetime })
    return undefined
  })
  const logger = createLogger({ level: 'silent' })
  const config = loadConfig({ KRX_BASE_URL: server.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '5000' })
  const deps: PipelineDeps = { database, logger, collectors: { krx: krxCollectors(createKrxClient(config, { logger, retries: 1, minRetryDelayMs: 5 })) } }
  const db = database.db

  try {
    // The master first (rules judge codes against it), then the previous day (previous close).
    const master = await runJob(deps, { dataset: 'stocks', source: 'krx', tradeDate: day.tradeDate })
    const known = await sql<{ n: number }>`select count(*)::int as n from stocks where stock_code in (${sql.join(day.rows.map((row) => String(row.ISU_SRT_CD)))})`.execute(db)
    if (known.rows[0]!.n !== day.rows.length) {
      throw new CampaignSetupError(`seeding the stock master: run ${master.status} (${master.message ?? ''}), ${known.rows[0]!.n} of ${day.rows.length} stocks of the day known`)
    }
    for (const dataset of CAMPAIGN_DATASETS) {
      const previous = await runJob(deps, { dataset, source: 'krx', tradeDate: day.previousDay })
      const loaded = (await productionRows(db, dataset, day.previousDay)).size
      if (previous.status !== 'SUCCESS' || loaded !== day.rows.length) {
        throw new CampaignSetupError(`seeding ${dataset} of ${day.previousDay}: ${previous.status} (${previous.message ?? previous.failedChecks.join(', ')}), ${loaded} of ${day.rows.length} rows`)
      }
    }
  } catch (error) {
    await server.stop()
    throw error
  }

  // The honest load of the day is the reference every mutated run is compared with.
  const reference = {} as Record<CampaignDataset, Map<string, Row>>
  for (const dataset of CAMPAIGN_DATASETS) {
    const honest = await runJob(deps, { dataset, source: 'krx', tradeDate: day.tradeDate })
    reference[dataset] = await productionRows(db, dataset, day.tradeDate)
    if (honest.status !== 'SUCCESS' || reference[dataset].size !== day.rows.length) {
      await server.stop()
      throw new CampaignSetupError(`the honest load of ${dataset} ${day.tradeDate} is ${honest.status} with ${reference[dataset].size} of ${day.rows.length} rows (${honest.message ?? honest.failedChecks.join(', ')})`)
    }
  }
  checkReferenceAgainstRecording(day, reference)

  const runPayload = async (payload: Payload, index: number) => {
    current = payload.answer
    const outcomes: PayloadOutcome[] = []
    const violations: Violation[] = []
    for (const dataset of CAMPAIGN_DATASETS) {
      await sql`delete from ${sql.table(dataset)} where time = ${day.tradeDate}`.execute(db)
      const violation = (invariant: Invariant, status: string, detail: string, rows: number): Violation =>
        ({ invariant, dataset, kind: payload.kind, payload: payload.description, index, status, detail, rows })
      let result: JobResult
      try {
        result = (await runWithFallback(deps, DEFAULT_SOURCE_PLAN, { dataset, tradeDate: day.tradeDate })).final
      } catch (error) {
        violations.push(violation('run:threw', 'THREW', String(error instanceof Error ? error.stack : error).slice(0, 600), 0))
        // A run that threw may have left its claim; the next payload must not inherit it.
        await sql`delete from partition_claims where dataset = ${dataset} and partition_key = ${day.tradeDate}`.execute(db)
        continue
      }
      const judged = judge(payload, reference[dataset], await productionRows(db, dataset, day.tradeDate), result)
      for (const found of judged.violations) violations.push(violation(found.invariant, result.status, found.detail, found.rows))
      const logged = await db.selectFrom('data_collection_logs').select('status').where('run_id', '=', result.runId).executeTakeFirst()
      if (logged?.status !== result.status) {
        violations.push(violation('log:status-mismatch', result.status, `run returned ${result.status}, data_collection_logs says ${logged?.status ?? 'nothing'}`, 0))
      }
      outcomes.push({
        index, kind: payload.kind, dataset, status: result.status, promoted: result.promoted, corruptRows: judged.corruptRows, goodRowsLost: judged.goodRowsLost,
        heldBack: judged.heldBack.length, heldBackReasons: judged.heldBack, falseSuccess: judged.falseSuccess, message: result.message,
      })
    }
    current = honestPayload(day, recordedBody).answer
    return { outcomes, violations }
  }

  return {
    day,
    reference,
    runPayload,
    run: async ({ seed, payloads, onPayload }) => {
      const report: CampaignReport = { seed, payloadsTried: 0, runs: 0, corruptRows: 0, goodRowsLost: 0, heldBack: 0, falseSuccess: 0, violations: [], outcomes: [] }
      const all = payloadsFor(day, seed, payloads)
      for (const [index, payload] of all.entries()) {
        const { outcomes, violations } = await runPayload(payload, index)
        report.payloadsTried += 1
        report.runs += outcomes.length
        for (const outcome of outcomes) {
          report.corruptRows += outcome.corruptRows
          report.goodRowsLost += outcome.goodRowsLost
          report.heldBack += outcome.heldBack
          report.falseSuccess += outcome.falseSuccess ? 1 : 0
        }
        report.outcomes.push(...outcomes)
        report.violations.push(...violations)
        onPayload?.(payload, index, outcomes)
      }
      return report
    },
    stop: () => server.stop(),
  }
}

/** Checks one run's production rows against the reference; pure, so it is tested on its own. */
export function judge(payload: Pick<Payload, 'touched' | 'keyConflicts'>, reference: Map<string, Row>, production: Map<string, Row>, result: Pick<JobResult, 'status'>) {
  const violations: Array<{ invariant: Invariant; detail: string; rows: number }> = []
  const corrupt: string[] = []
  for (const [code, row] of production) {
    const honest = reference.get(code)
    if (!honest) corrupt.push(`${code} is not a stock the honest source sent: ${JSON.stringify(row)}`)
    else {
      const differing = Object.keys(honest).filter((column) => honest[column] !== row[column])
      if (differing.length > 0) corrupt.push(`${code} ${differing.map((column) => `${column} ${row[column]} (honest ${honest[column]})`).join(', ')}`)
    }
  }
  if (corrupt.length > 0) violations.push({ invariant: 'a:corrupt-row', detail: `${corrupt.length} production rows differ from the honest answer: ${corrupt.slice(0, 3).join('; ')}`, rows: corrupt.length })

  const lost: string[] = []
  const heldBack: string[] = []
  const missing: string[] = []
  for (const code of reference.keys()) {
    if (production.has(code)) continue
    missing.push(code)
    if (payload.touched.has(code)) continue
    const conflict = payload.keyConflicts.get(code)
    if (conflict) heldBack.push(`${code}: ${conflict}`)
    else lost.push(code)
  }
  if (lost.length > 0) violations.push({ invariant: 'b:good-row-lost', detail: `${lost.length} untouched rows not in production: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', …' : ''}`, rows: lost.length })

  const falseSuccess = missing.length > 0 && result.status !== 'PARTIAL' && result.status !== 'FAILED'
  if (falseSuccess) violations.push({ invariant: 'c:false-success', detail: `${result.status} with ${missing.length} of ${reference.size} stocks missing from production`, rows: missing.length })
  return { violations, corruptRows: corrupt.length, goodRowsLost: lost.length, heldBack, falseSuccess }
}

async function productionRows(db: MarketDatabase['db'], dataset: CampaignDataset, date: TradeDate): Promise<Map<string, Row>> {
  const columns = VALUE_COLUMNS[dataset]
  const { rows } = await sql<Row & { stock_code: string }>`
    select stock_code, ${sql.join(columns.map((column) => sql`${sql.ref(column)}::text as ${sql.ref(column)}`))}
    from ${sql.table(dataset)} where time = ${date}`.execute(db)
  return new Map(rows.map(({ stock_code, ...values }) => [stock_code, values as Row]))
}

/** The reference must itself be the recording: close and volume as KRX wrote them. */
function checkReferenceAgainstRecording(day: RecordedDay, reference: Record<CampaignDataset, Map<string, Row>>): void {
  const number = (text: unknown) => Number(String(text).replace(/,/g, ''))
  for (const row of day.rows) {
    const ohlcv = reference.ohlcv_daily.get(String(row.ISU_SRT_CD))
    const cap = reference.market_cap_daily.get(String(row.ISU_SRT_CD))
    if (!ohlcv || !cap || Number(ohlcv.close_price) !== number(row.TDD_CLSPRC) || Number(ohlcv.volume) !== number(row.ACC_TRDVOL) || Number(cap.market_cap) !== number(row.MKTCAP)) {
      throw new CampaignSetupError(`the honest load of ${String(row.ISU_SRT_CD)} does not match the recording: ${JSON.stringify({ ohlcv, cap, row })}`)
    }
  }
}

/** One line per (invariant, kind), with the smallest example: what a report needs. */
export function summarizeViolations(violations: readonly Violation[]): string[] {
  const groups = new Map<string, Violation[]>()
  for (const violation of violations) {
    const key = `${violation.invariant} ${violation.kind}`
    groups.set(key, [...(groups.get(key) ?? []), violation])
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, found]) => {
    const smallest = [...found].sort((x, y) => x.payload.length - y.payload.length)[0]!
    return `${key} ×${found.length} (${[...new Set(found.map((v) => v.dataset))].join(', ')}): e.g. payload #${smallest.index} [${smallest.payload}] -> ${smallest.dataset} ${smallest.status}: ${smallest.detail}`
  })
}
