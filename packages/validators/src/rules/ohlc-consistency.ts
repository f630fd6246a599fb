import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { reasonsWhen, show } from '../sql-parts.ts'

const p = (text: string) => sql.lit(`ohlc_consistency: ${text}`)

/**
 * A daily bar must agree with itself. A traded bar (volume > 0) has all of open/high/low with
 * 0 < low <= open, close <= high; a bar without trades (a halted stock) has none of them, as
 * KRX sends 0 there and the collector maps that to null. Volume and trading value are zero
 * together or positive together. Every check here is an exact identity, so it rejects. Mirrors, and is stricter than, the
 * CHECK on production ohlcv_daily, so promotion never trips over a constraint.
 */
export const ohlcConsistencyRule = rowRule({
  name: 'ohlc_consistency',
  severity: 'reject',
  threshold: null,
  description: 'volume, trading_value >= 0, close > 0; volume 0 exactly when trading_value 0; traded bars: 0 < low <= open, close <= high; no-trade bars: no open/high/low',
  async rowCheck() {
    const missingPrices = sql`concat_ws('/', case when s.open_price is null then 'open' end,
      case when s.high_price is null then 'high' end, case when s.low_price is null then 'low' end)`
    const presentPrices = sql`concat_ws(', ', 'open ' || ${show(sql`s.open_price`)}, 'high ' || ${show(sql`s.high_price`)}, 'low ' || ${show(sql`s.low_price`)})`
    const reasons = reasonsWhen([
      [sql`s.volume < 0`, sql`${p('volume ')} || ${show(sql`s.volume`)} || ' < 0'`],
      [sql`s.trading_value < 0`, sql`${p('trading_value ')} || ${show(sql`s.trading_value`)} || ' < 0'`],
      [sql`s.close_price <= 0`, sql`${p('close ')} || ${show(sql`s.close_price`)} || ' <= 0'`],
      [
        sql`s.volume > 0 and num_nulls(s.open_price, s.high_price, s.low_price) > 0`,
        sql`${p('traded bar (volume ')} || ${show(sql`s.volume`)} || ') has no ' || ${missingPrices}`,
      ],
      [
        sql`s.volume = 0 and num_nonnulls(s.open_price, s.high_price, s.low_price) > 0`,
        sql`${p('no-trade bar (volume 0) has ')} || ${presentPrices}`,
      ],
      // Trades have a value and a value has trades (Naver sends no value: null is not compared).
      [sql`s.volume = 0 and s.trading_value > 0`, sql`${p('volume 0 with trading_value ')} || ${show(sql`s.trading_value`)}`],
      [sql`s.volume > 0 and s.trading_value = 0`, sql`${p('volume ')} || ${show(sql`s.volume`)} || ' with trading_value 0'`],
      // Once high < low, open and close cannot fit between them: name that contradiction alone.
      [sql`s.high_price < s.low_price`, sql`${p('high ')} || ${show(sql`s.high_price`)} || ' < low ' || ${show(sql`s.low_price`)}`],
      [sql`s.low_price <= 0`, sql`${p('low ')} || ${show(sql`s.low_price`)} || ' <= 0'`],
      [sql`s.low_price <= s.high_price and s.open_price < s.low_price`, sql`${p('open ')} || ${show(sql`s.open_price`)} || ' < low ' || ${show(sql`s.low_price`)}`],
      [sql`s.low_price <= s.high_price and s.open_price > s.high_price`, sql`${p('open ')} || ${show(sql`s.open_price`)} || ' > high ' || ${show(sql`s.high_price`)}`],
      [sql`s.low_price <= s.high_price and s.close_price < s.low_price`, sql`${p('close ')} || ${show(sql`s.close_price`)} || ' < low ' || ${show(sql`s.low_price`)}`],
      [sql`s.low_price <= s.high_price and s.close_price > s.high_price`, sql`${p('close ')} || ${show(sql`s.close_price`)} || ' > high ' || ${show(sql`s.high_price`)}`],
    ])
    return {
      column: 'reject_reasons',
      reasons,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount, 'bar')} consistent`,
          flagged: `${rowsText(found.issueCount, 'bar')} of ${found.checkedCount} contradict themselves`,
        }),
    }
  },
})
