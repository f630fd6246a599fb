import { sql } from 'kysely'
import { etfLineKind } from '../etf-line-kinds.ts'
import { flagRows, rowsText } from '../flag-rows.ts'
import { batchParam, notRejected, show, showDate } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

const TOLERANCE_POINTS = 1
const SHOWN_SKIPPED = 5

// Why an ETF was not checked, in the order the reasons are tested.
const SKIPS = {
  derivatives: 'with derivatives legs (their weights need not sum to 100)',
  other_components: 'holding components other than stocks and cash',
  no_stocks: 'without stock lines',
  unweighted: 'with stock lines lacking a weight',
} as const

/**
 * An equity ETF's stock lines are its whole portfolio but the cash, so their weights sum to
 * 100 (ARIRANG 200 on 2021-04-02: 99.35 plus 0.65 in cash). Checked only for ETFs holding
 * stocks and cash alone; ETFs with futures, option or swap legs (leveraged, inverse, covered
 * call) and those holding bonds or funds are skipped and counted, since their weights do not
 * add up that way. A warning on the ETF's non-cash lines: a PDF can be correct and odd.
 * Per-ETF sums are window functions over one pass of the batch (no grouped join back to
 * freshly staged rows, which have no statistics for the planner).
 */
export const weightSumRule: Rule = {
  name: 'weight_sum',
  severity: 'warn',
  threshold: TOLERANCE_POINTS,
  description: "per ETF holding only stocks and cash, the stock lines' weights sum to 100 ± 1; ETFs with derivatives legs or other components are skipped",
  async check(context) {
    const { target } = context
    const etf = sql`e.etf_code || '@' || ${showDate(sql`e.base_date`)}`
    const found = await flagRows(context, {
      column: 'warnings',
      sampleKey: sql<string>`t.etf_code || '@' || ${showDate(sql`t.base_date`)}`,
      checked: sql`
        with lines as (
          select s.row_number, s.etf_code, s.base_date, s.weight, ${etfLineKind('s')} as kind
          from staging.etf_portfolios s
          where s.batch_id = ${batchParam(target.batchId)} and s.etf_code is not null and s.base_date is not null and ${notRejected('s')}
        ),
        tallied as (
          select l.row_number, l.etf_code, l.base_date, l.kind,
                 min(l.row_number) over etf as first_row,
                 count(*) filter (where l.kind = 'derivative') over etf as derivatives,
                 count(*) filter (where l.kind = 'other') over etf as others,
                 count(*) filter (where l.kind = 'stock') over etf as stocks,
                 count(*) filter (where l.kind = 'stock' and l.weight is null) over etf as unweighted,
                 sum(l.weight) filter (where l.kind = 'stock') over etf as stock_weight
          from lines l
          window etf as (partition by l.etf_code, l.base_date)
        ),
        judged as (
          select e.*, case when e.derivatives > 0 then 'derivatives'
                           when e.others > 0 then 'other_components'
                           when e.stocks = 0 then 'no_stocks'
                           when e.unweighted > 0 then 'unweighted'
                           when abs(e.stock_weight - 100) > ${TOLERANCE_POINTS}::numeric then 'off'
                           else 'checked' end as verdict
          from tallied e
        )
        select e.row_number,
               case when e.verdict = 'off' and e.kind <> 'cash' then array[
                 'weight_sum: the weights of ' || e.stocks || ' stock lines of ' || ${etf} || ' sum to ' || ${show(sql`e.stock_weight`)}
                 || ', not 100 ± 1'
               ] else '{}'::text[] end as reasons,
               case when e.row_number = e.first_row then e.verdict || ':' || ${etf} end as note
        from judged e`,
    })

    const etfsBy = (verdict: string) => Object.keys(found.notes).filter((note) => note.startsWith(`${verdict}:`)).map((note) => note.slice(verdict.length + 1)).sort()
    const off = etfsBy('off')
    const checked = off.length + etfsBy('checked').length
    const skipped = Object.entries(SKIPS)
      .map(([verdict, why]) => {
        const etfs = etfsBy(verdict)
        if (etfs.length === 0) return undefined
        const shown = etfs.slice(0, SHOWN_SKIPPED).join(', ') + (etfs.length > SHOWN_SKIPPED ? ', …' : '')
        return `${rowsText(etfs.length, 'ETF')} ${why}: ${shown}`
      })
      .filter((text) => text !== undefined)
    const skippedText = skipped.length > 0 ? `; skipped ${skipped.join('; ')}` : ''
    return {
      passed: off.length === 0,
      checkedCount: found.checkedCount,
      issueCount: found.issueCount,
      sample: found.sample,
      message:
        (off.length === 0
          ? `${rowsText(checked, 'ETF')} of stocks and cash have stock weights summing to 100 ± 1`
          : `${rowsText(off.length, 'ETF')} of ${checked} have stock weights off 100 ± 1 (kept with a warning): ${off.join(', ')}`) + skippedText,
    }
  },
}
