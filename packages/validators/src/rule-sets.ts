import type { DailyDataset } from '@kmd/core'
import { calendarRule } from './rules/calendar.ts'
import { crossSourceAgreementRule } from './rules/cross-source-agreement.ts'
import { duplicateKeyRule } from './rules/duplicate-key.ts'
import { investorZeroSumRule } from './rules/investor-zero-sum.ts'
import { marketCapIdentityRule } from './rules/market-cap-identity.ts'
import { netIdentityRule } from './rules/net-identity.ts'
import { ohlcConsistencyRule } from './rules/ohlc-consistency.ts'
import { priceLimitRule } from './rules/price-limit.ts'
import { rowCountRule } from './rules/row-count.ts'
import { schemaRule } from './rules/schema.ts'
import { tradingValueRangeRule } from './rules/trading-value-range.ts'
import type { Rule } from './types.ts'

// The rule set of each dataset, in the order the rules run. Order matters where a rule looks
// only at rows not yet rejected (investor_zero_sum after schema, duplicate_key, net_identity).
const RULE_SETS: Record<DailyDataset, readonly Rule[]> = {
  ohlcv_daily: [schemaRule, duplicateKeyRule, ohlcConsistencyRule, tradingValueRangeRule, priceLimitRule, calendarRule, rowCountRule, crossSourceAgreementRule],
  market_cap_daily: [schemaRule, duplicateKeyRule, marketCapIdentityRule, calendarRule, rowCountRule, crossSourceAgreementRule],
  investor_trading: [schemaRule, duplicateKeyRule, netIdentityRule, investorZeroSumRule, calendarRule, rowCountRule, crossSourceAgreementRule],
}

export function rulesFor(dataset: DailyDataset): readonly Rule[] {
  const rules = (RULE_SETS as Partial<Record<string, readonly Rule[]>>)[dataset]
  if (!rules) throw new Error(`no validation rules for dataset "${dataset}"`)
  return rules
}
