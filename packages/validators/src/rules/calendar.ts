import { sql } from 'kysely'
import { rowsText, SAMPLE_SIZE } from '../flag-rows.ts'
import { batchParam, col, rowKey, showDate, stagingTable } from '../sql-parts.ts'
import type { Rule, SampleEntry } from '../types.ts'

interface DateTally {
  date: string
  rows_with_values: number
  is_trading_day: boolean | null
  holiday_name: string | null
}

/** The fallback when neither market_calendar nor the caller knows a date: weekdays trade. */
export function weekdaysTrade(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay()
  return day !== 0 && day !== 6
}

/**
 * Market data dated on a day the market was closed means the source sent something else
 * (often the previous session again), so the whole batch is suspect, not single rows.
 * market_calendar decides where it holds the date; else the injected calendar (the KRX
 * calendar from @kmd/core in the pipeline).
 */
const MAX_ROWS_ON_CLOSED_DAYS = 0

export const calendarRule: Rule = {
  name: 'calendar',
  severity: 'fail',
  threshold: MAX_ROWS_ON_CLOSED_DAYS,
  description: 'no row with values is dated on a non-trading day (market_calendar, else the KRX calendar)',
  async check(context) {
    const { spec, target } = context
    const hasValues = sql`num_nonnulls(${sql.join(spec.valueColumns.map((c) => col('s', c)))}) > 0`
    const { rows: tallies } = await sql<DateTally>`
      select ${showDate(sql`s.time`)} as date,
             count(*) filter (where ${hasValues})::int as rows_with_values,
             c.is_trading_day, c.holiday_name
      from ${stagingTable(spec)} s
      left join market_calendar c on c.trade_date = s.time
      where s.batch_id = ${batchParam(target.batchId)} and s.time is not null
      group by s.time, c.is_trading_day, c.holiday_name
      order by s.time`.execute(context.db)

    const closed = new Map<string, string>()
    let checkedCount = 0
    for (const tally of tallies) {
      checkedCount += tally.rows_with_values
      const trading = tally.is_trading_day ?? context.isTradingDay(tally.date)
      if (trading || tally.rows_with_values === 0) continue
      const why = tally.is_trading_day === null ? 'calendar' : `market_calendar${tally.holiday_name ? `: ${tally.holiday_name}` : ''}`
      closed.set(tally.date, `${tally.date} is not a trading day (${why})`)
    }
    const issueCount = tallies.filter((t) => closed.has(t.date)).reduce((sum, t) => sum + t.rows_with_values, 0)
    if (issueCount === 0) {
      return { passed: true, checkedCount, issueCount, sample: [], message: `${rowsText(checkedCount, 'row')} with values, all on trading days` }
    }

    const dates = [...closed.keys()]
    const { rows: offending } = await sql<{ key: string; date: string }>`
      select ${rowKey(spec, 's')} as key, ${showDate(sql`s.time`)} as date
      from ${stagingTable(spec)} s
      where s.batch_id = ${batchParam(target.batchId)}
        and s.time = any(string_to_array(${dates.join(',')}, ',')::date[]) and ${hasValues}
      order by s.row_number
      limit ${SAMPLE_SIZE}`.execute(context.db)
    const sample: SampleEntry[] = offending.map((row) => ({ key: row.key, reason: `calendar: ${closed.get(row.date)}` }))
    return {
      passed: issueCount <= MAX_ROWS_ON_CLOSED_DAYS,
      checkedCount,
      issueCount,
      sample,
      message: `${rowsText(issueCount)} with values on a non-trading day: ${[...closed.values()].join('; ')}`,
    }
  },
}
