import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { showDate } from '../sql-parts.ts'

/**
 * KRX does not trade on Saturdays or Sundays; a weekend marked open is far more likely a
 * shifted date than a special session. A warning: the source's word is kept, a person looks.
 */
export const weekendOpenRule = rowRule({
  name: 'weekend_open',
  severity: 'warn',
  threshold: null,
  description: 'no Saturday or Sunday is marked as a trading day',
  async rowCheck() {
    return {
      column: 'warnings',
      reasons: sql<string[]>`case when s.is_trading_day and extract(isodow from s.trade_date) in (6, 7)
        then array['weekend_open: ' || ${showDate(sql`s.trade_date`)} || ' is a ' || to_char(s.trade_date, 'FMDay') || ' marked as a trading day']
        else '{}'::text[] end`,
      where: sql<boolean>`s.trade_date is not null`,
      verdict: (found) =>
        findingOf(found, {
          clean: `no weekend among ${rowsText(found.checkedCount, 'date')} is marked open`,
          flagged: `${rowsText(found.issueCount, 'weekend date')} marked as trading days (kept with a warning)`,
        }),
    }
  },
})
