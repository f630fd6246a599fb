import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { reasonsWhen, show } from '../sql-parts.ts'
import { netValueTolerance } from '../value-rounding.ts'

const GROSS_COLUMNS = ['sell_volume', 'buy_volume', 'sell_value', 'buy_value'] as const

/** Net is buy minus sell, and gross amounts are never negative, in every investor row. */
export const netIdentityRule = rowRule({
  name: 'net_identity',
  severity: 'reject',
  threshold: null,
  description: 'net_buy_volume = buy_volume − sell_volume, net_buy_value = buy_value − sell_value, gross volumes and values >= 0',
  async rowCheck({ target }) {
    const netCase = (kind: 'volume' | 'value') => {
      const [net, buy, sell] = [`net_buy_${kind}`, `buy_${kind}`, `sell_${kind}`].map((c) => sql.ref(`s.${c}`))
      const tolerance = kind === 'value' ? netValueTolerance(target.source) : 0
      return [
        sql`abs(${net} - (${buy} - ${sell})) > ${tolerance}`,
        sql`${sql.lit(`net_identity: net_buy_${kind} `)} || ${show(net!)} || ${sql.lit(` != buy_${kind} `)} || ${show(buy!)}
            || ${sql.lit(` - sell_${kind} `)} || ${show(sell!)} || ' (= ' || ${show(sql`${buy} - ${sell}`)} || ')'`,
      ] as const
    }
    const reasons = reasonsWhen([
      ...GROSS_COLUMNS.map(
        (c) => [sql`${sql.ref(`s.${c}`)} < 0`, sql`${sql.lit(`net_identity: ${c} `)} || ${show(sql.ref(`s.${c}`))} || ' < 0'`] as const,
      ),
      netCase('volume'),
      netCase('value'),
    ])
    return {
      column: 'reject_reasons',
      reasons,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} have net = buy − sell and no negative amounts`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have net ≠ buy − sell or a negative amount`,
        }),
    }
  },
})
