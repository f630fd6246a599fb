import { DATASET_DEFINITIONS, type Dataset, type DatasetDefinition } from '@kmd/core'
import { activeStockCountRule } from './rules/active-stock-count.ts'
import { averagePriceRule } from './rules/average-price.ts'
import { calendarRule } from './rules/calendar.ts'
import { changeConsistencyRule } from './rules/change-consistency.ts'
import { changeRateConsistencyRule } from './rules/change-rate-consistency.ts'
import { completenessRule } from './rules/completeness.ts'
import { crossSourceAgreementRule } from './rules/cross-source-agreement.ts'
import { delistingConsistencyRule } from './rules/delisting-consistency.ts'
import { duplicateKeyRule } from './rules/duplicate-key.ts'
import { floatingLeTotalRule } from './rules/floating-le-total.ts'
import { floatingRatioRangeRule } from './rules/floating-ratio-range.ts'
import { investorZeroSumRule } from './rules/investor-zero-sum.ts'
import { isinUniqueRule } from './rules/isin-unique.ts'
import { knownStockRule } from './rules/known-stock.ts'
import { marketCapIdentityRule } from './rules/market-cap-identity.ts'
import { memberCountRule } from './rules/member-count.ts'
import { minuteBarRule, minuteSessionRule, minuteVsDailyRule } from './rules/minute-bars.ts'
import { netIdentityRule } from './rules/net-identity.ts'
import { ohlcConsistencyRule } from './rules/ohlc-consistency.ts'
import { outOfRangeRule } from './rules/out-of-range.ts'
import { priceLimitRule } from './rules/price-limit.ts'
import { ratioConsistencyRule } from './rules/ratio-consistency.ts'
import { rowCountRule } from './rules/row-count.ts'
import { schemaRule } from './rules/schema.ts'
import { snapshotCompleteRule } from './rules/snapshot-complete.ts'
import { tickGridRule } from './rules/tick-grid.ts'
import { tradingValueRangeRule } from './rules/trading-value-range.ts'
import { volumeAnomalyRule } from './rules/volume-anomaly.ts'
import { weekendOpenRule } from './rules/weekend-open.ts'
import { weightSumRule } from './rules/weight-sum.ts'
import type { Rule } from './types.ts'
import type { SnapshotShape } from './rules/snapshot-complete.ts'

type RuleMaker = (definition: DatasetDefinition, severity: 'reject' | 'warn' | undefined) => Rule

/**
 * Every rule by name: the name it reports under, except active_stock_count, the stock
 * master's own row_count check (two rules reporting one name need two names here). A dataset's
 * definition (`@kmd/core` datasets/) lists its rules by these names, in the order they run; the
 * order's reasons are written there.
 */
const RULES: Readonly<Record<string, Rule | RuleMaker>> = {
  schema: schemaRule,
  out_of_range: outOfRangeRule,
  duplicate_key: duplicateKeyRule,
  // Daily datasets: the stock must be listed on the trade date (stocks, else production's codes).
  unknown_stock: knownStockRule('reject', { listedOnTradeDate: true }),
  known_stock: (_, severity) => knownStockRule(severity ?? 'reject'),
  ohlc_consistency: ohlcConsistencyRule,
  tick_grid: tickGridRule,
  price_limit: priceLimitRule,
  change_consistency: changeConsistencyRule,
  change_rate_consistency: changeRateConsistencyRule,
  average_price: averagePriceRule,
  trading_value_range: tradingValueRangeRule,
  volume_anomaly: volumeAnomalyRule,
  calendar: calendarRule,
  row_count: rowCountRule,
  cross_source_agreement: crossSourceAgreementRule,
  completeness: completenessRule,
  market_cap_identity: marketCapIdentityRule,
  net_identity: netIdentityRule,
  investor_zero_sum: investorZeroSumRule,
  delisting_consistency: delistingConsistencyRule,
  isin_unique: isinUniqueRule,
  active_stock_count: activeStockCountRule,
  snapshot_complete: (definition) => snapshotCompleteRule(snapshotShape(definition)),
  member_count: memberCountRule,
  floating_ratio_range: floatingRatioRangeRule,
  floating_le_total: floatingLeTotalRule,
  ratio_consistency: ratioConsistencyRule,
  weight_sum: weightSumRule,
  weekend_open: weekendOpenRule,
  minute_bar: minuteBarRule,
  minute_session: minuteSessionRule,
  minute_vs_daily: minuteVsDailyRule,
}

function snapshotShape(definition: DatasetDefinition): SnapshotShape {
  const snapshot = definition.snapshot
  const pattern = snapshot ? definition.columns[snapshot.column]?.format?.pattern : undefined
  if (!snapshot || !pattern) throw new Error(`${definition.name} names no snapshot column with a format, which snapshot_complete needs`)
  return { ...snapshot, column: snapshot.column as SnapshotShape['column'], pattern }
}

function ruleSetOf(definition: DatasetDefinition): readonly Rule[] {
  return definition.rules.map((reference) => {
    const { name, severity } = typeof reference === 'string' ? { name: reference, severity: undefined } : reference
    const rule = RULES[name]
    if (!rule) throw new Error(`${definition.name} names rule "${name}", which the validators do not have`)
    if (severity !== undefined && typeof rule !== 'function') throw new Error(`${definition.name} gives rule "${name}" a severity, which it does not take`)
    return typeof rule === 'function' ? rule(definition, severity) : rule
  })
}

const RULE_SETS = new Map<string, readonly Rule[]>(DATASET_DEFINITIONS.map((definition) => [definition.name, ruleSetOf(definition)]))

export function rulesFor(dataset: Dataset): readonly Rule[] {
  const rules = RULE_SETS.get(dataset)
  if (!rules) throw new Error(`no validation rules for dataset "${dataset}"`)
  return rules
}
