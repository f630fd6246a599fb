import { sql, type RawBuilder } from 'kysely'
import type { DailyDataset } from '@kmd/core'

interface UpsertShape {
  key: readonly string[]
  values: readonly string[]
}

/** Production key and value columns per dataset; names come from here, never from input. */
export const UPSERT_SHAPES: Record<DailyDataset, UpsertShape> = {
  ohlcv_daily: {
    key: ['stock_code', 'time'],
    values: ['open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'change', 'change_rate'],
  },
  market_cap_daily: {
    key: ['stock_code', 'time'],
    values: ['close_price', 'market_cap', 'shares_outstanding'],
  },
  investor_trading: {
    key: ['stock_code', 'investor_type', 'time'],
    values: ['sell_volume', 'buy_volume', 'net_buy_volume', 'sell_value', 'buy_value', 'net_buy_value'],
  },
}

/**
 * INSERT … SELECT the batch's valid rows, updating a row only when a value changed, so
 * re-running a partition converges to the same rows and an unchanged re-run writes nothing.
 */
export function upsertStatement(dataset: DailyDataset, batchId: string, source: string): RawBuilder<unknown> {
  const { key, values } = UPSERT_SHAPES[dataset]
  const columns = [...key, ...values]
  const target = sql.table(dataset)
  const list = (names: readonly string[], prefix?: string) => sql.join(names.map((n) => sql.ref(prefix ? `${prefix}.${n}` : n)))
  return sql`
    insert into ${target} (${list(columns)}, source, batch_id)
    select ${list(columns, 's')}, ${source}, s.batch_id
    from ${sql.table(`staging.${dataset}`)} s
    where s.batch_id = ${batchId} and s.validation_status = 'valid'
    on conflict (${list(key)}) do update set
      ${sql.join(values.map((n) => sql`${sql.ref(n)} = excluded.${sql.ref(n)}`))},
      source = excluded.source,
      batch_id = excluded.batch_id,
      updated_at = now()
    where (${list(values, dataset)}) is distinct from (${list(values, 'excluded')})`
}
