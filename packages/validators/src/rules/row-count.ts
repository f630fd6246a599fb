import { sql } from 'kysely'
import { rowsText, SAMPLE_SIZE } from '../flag-rows.ts'
import { allPresent, batchParam, col, productionTable, showDate, stagingTable } from '../sql-parts.ts'
import type { Rule, SampleEntry } from '../types.ts'

const MAX_RELATIVE_CHANGE = 0.03

/**
 * The market lists about the same stocks from one session to the next; a batch much smaller
 * (or larger) than the previous session in production usually means a truncated or doubled
 * download. A warning, not a failure: listings and delistings do move the count.
 */
export const rowCountRule: Rule = {
  name: 'row_count',
  severity: 'warn',
  threshold: MAX_RELATIVE_CHANGE,
  description: "the batch's distinct keys are within 3% of production's row count on the previous date that has rows",
  async check(context) {
    const { spec, target } = context
    const production = productionTable(spec)
    const { rows } = await sql<{ batch_keys: number; previous_date: string | null; previous_rows: number }>`
      with previous as (select max(time) as day from ${production} where time < ${target.tradeDate}::date)
      select
        (select count(*) from (
           select distinct ${sql.join(spec.keyColumns.map((c) => col('s', c)))}
           from ${stagingTable(spec)} s
           where s.batch_id = ${batchParam(target.batchId)} and ${allPresent('s', spec.keyColumns)}) k)::int as batch_keys,
        (select ${showDate(sql`day`)} from previous) as previous_date,
        (select count(*) from ${production} p where p.time = (select day from previous))::int as previous_rows`.execute(context.db)
    const { batch_keys: batchKeys, previous_date: previousDate, previous_rows: previousRows } = rows[0]!

    if (previousDate === null) {
      return {
        passed: true,
        checkedCount: batchKeys,
        issueCount: 0,
        sample: [],
        message: `batch has ${rowsText(batchKeys, 'key')}; ${spec.productionTable} has no date before ${target.tradeDate} to compare with`,
      }
    }
    const change = (batchKeys - previousRows) / previousRows
    const passed = Math.abs(change) <= MAX_RELATIVE_CHANGE
    const percent = `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`
    const message = `batch has ${rowsText(batchKeys, 'key')} vs ${previousRows} rows in ${spec.productionTable} on ${previousDate} (${percent})`
    return {
      passed,
      checkedCount: batchKeys,
      issueCount: passed ? 0 : Math.abs(batchKeys - previousRows),
      sample: passed ? [] : await differingKeys(context, previousDate),
      message: passed ? message : `${message}, beyond ±${MAX_RELATIVE_CHANGE * 100}%`,
    }
  },
}

/** Up to ten entities in one of the two days but not the other, to start the investigation. */
async function differingKeys(context: Parameters<Rule['check']>[0], previousDate: string): Promise<SampleEntry[]> {
  const { spec, target } = context
  const entity = (alias: string) => sql.join(spec.entityColumns.map((c) => col(alias, c)), sql` || '/' || `)
  const sameEntity = sql.join(spec.entityColumns.map((c) => sql`${col('s', c)} = ${col('p', c)}`), sql` and `)
  const { rows } = await sql<SampleEntry>`
    (select ${entity('p')} || '@' || ${previousDate}::text as key,
            ${`row_count: in ${spec.productionTable} on ${previousDate}, missing from the batch`}::text as reason
     from ${productionTable(spec)} p
     where p.time = ${previousDate}::date
       and not exists (select 1 from ${stagingTable(spec)} s where s.batch_id = ${batchParam(target.batchId)} and ${sameEntity})
     order by 1 limit ${SAMPLE_SIZE})
    union all
    (select ${entity('s')} || '@' || ${target.tradeDate}::text,
            ${`row_count: in the batch, not in ${spec.productionTable} on ${previousDate}`}::text
     from ${stagingTable(spec)} s
     where s.batch_id = ${batchParam(target.batchId)} and ${allPresent('s', spec.entityColumns)}
       and not exists (select 1 from ${productionTable(spec)} p where p.time = ${previousDate}::date and ${sameEntity})
     order by 1 limit ${SAMPLE_SIZE})`.execute(context.db)
  return rows.slice(0, SAMPLE_SIZE)
}
