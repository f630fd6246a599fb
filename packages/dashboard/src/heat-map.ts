import { sql } from 'kysely'
import { DAILY_DATASETS, holidayName } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { datesBetween, isoWeekday } from './iso-week.ts'

/**
 * What a daily dataset holds of one weekday:
 * - complete: production holds the keys the day should hold (the completeness ledger says so);
 * - partial: rows were loaded but keys are missing (ledger incomplete, or a PARTIAL run);
 * - failed: runs were tried and none loaded anything;
 * - missing: a past trading day nobody has loaded;
 * - holiday: the market was closed (KRX calendar), nothing to load;
 * - future: not yet due (today or later).
 */
export type DayStatus = 'complete' | 'partial' | 'failed' | 'missing' | 'holiday' | 'future'

export const DAY_STATUSES: readonly DayStatus[] = ['complete', 'partial', 'failed', 'missing', 'holiday', 'future']

/** What the database says of one (dataset, day): the facts the status is judged from. */
export interface DayFacts {
  /** From partition_completeness; undefined when the ledger has no row. */
  ledger: { complete: boolean; expected: number; present: number; missing: number } | undefined
  /** Status of the newest finished run that loaded rows (SUCCESS or PARTIAL), if any. */
  latestLoad: 'SUCCESS' | 'PARTIAL' | undefined
  /** Runs that ended FAILED, ABORTED or ABANDONED. */
  failedRuns: number
  runs: number
}

export interface HeatMapCell {
  date: string
  status: DayStatus
  /** One line for the cell's tooltip. */
  detail: string
}

export interface DatasetHeatMap {
  dataset: string
  cells: HeatMapCell[]
}

/** The status of a weekday from its facts; `today` (Seoul) and later are not yet due. */
export function dayStatus(date: string, today: string, facts: DayFacts | undefined): DayStatus {
  if (holidayName(date) !== undefined) return 'holiday'
  if (facts?.ledger) return facts.ledger.complete ? 'complete' : 'partial'
  if (facts?.latestLoad) return facts.latestLoad === 'SUCCESS' ? 'complete' : 'partial'
  if (facts && facts.failedRuns > 0) return 'failed'
  return date >= today ? 'future' : 'missing'
}

function describe(date: string, status: DayStatus, facts: DayFacts | undefined): string {
  if (status === 'holiday') return `${date}: market closed (${holidayName(date)})`
  const ledger = facts?.ledger ? `, ${facts.ledger.present} of ${facts.ledger.expected} keys` : ''
  const runs = facts ? `, ${facts.runs} run(s)${facts.failedRuns > 0 ? `, ${facts.failedRuns} failed` : ''}` : ''
  return `${date}: ${status}${ledger}${runs}`
}

/** The weekdays from `from` to `to` of every daily dataset, each with its status. */
export async function readHeatMap(database: MarketDatabase, range: { from: string; to: string; today: string }): Promise<DatasetHeatMap[]> {
  const { rows } = await sql<{
    dataset: string
    trade_date: string
    runs: number
    failed_runs: number
    latest_load: 'SUCCESS' | 'PARTIAL' | null
    complete: boolean | null
    expected_count: number | null
    present_count: number | null
    missing_count: number | null
  }>`
    with runs as (
      select data_type as dataset, collection_date as trade_date,
             count(*)::int as runs,
             count(*) filter (where status in ('FAILED', 'ABORTED', 'ABANDONED'))::int as failed_runs,
             (array_agg(status order by started_at desc, id desc) filter (where status in ('SUCCESS', 'PARTIAL')))[1] as latest_load
      from data_collection_logs
      where data_type in (${sql.join(DAILY_DATASETS)}) and collection_date between ${range.from} and ${range.to} and status <> 'SKIPPED'
      group by data_type, collection_date
    )
    select coalesce(r.dataset, c.dataset) as dataset, to_char(coalesce(r.trade_date, c.trade_date), 'YYYY-MM-DD') as trade_date,
           coalesce(r.runs, 0) as runs, coalesce(r.failed_runs, 0) as failed_runs, r.latest_load,
           c.complete, c.expected_count, c.present_count, c.missing_count
    from runs r
    full join (select * from partition_completeness where trade_date between ${range.from} and ${range.to}) c
      on c.dataset = r.dataset and c.trade_date = r.trade_date`.execute(database.db)
  const facts = new Map<string, DayFacts>()
  for (const row of rows) {
    facts.set(`${row.dataset}@${row.trade_date}`, {
      ledger: row.complete === null ? undefined : { complete: row.complete, expected: row.expected_count!, present: row.present_count!, missing: row.missing_count! },
      latestLoad: row.latest_load ?? undefined,
      failedRuns: row.failed_runs,
      runs: row.runs,
    })
  }
  const weekdays = datesBetween(range.from, range.to).filter((date) => isoWeekday(date) <= 5)
  return DAILY_DATASETS.map((dataset) => ({
    dataset,
    cells: weekdays.map((date) => {
      const known = facts.get(`${dataset}@${date}`)
      const status = dayStatus(date, range.today, known)
      return { date, status, detail: describe(date, status, known) }
    }),
  }))
}
