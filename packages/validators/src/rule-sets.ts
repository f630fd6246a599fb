import type { Dataset } from '@kmd/core'
import { activeStockCountRule } from './rules/active-stock-count.ts'
import { calendarRule } from './rules/calendar.ts'
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
import { netIdentityRule } from './rules/net-identity.ts'
import { ohlcConsistencyRule } from './rules/ohlc-consistency.ts'
import { priceLimitRule } from './rules/price-limit.ts'
import { ratioConsistencyRule } from './rules/ratio-consistency.ts'
import { rowCountRule } from './rules/row-count.ts'
import { schemaRule } from './rules/schema.ts'
import { snapshotCompleteRule } from './rules/snapshot-complete.ts'
import { tradingValueRangeRule } from './rules/trading-value-range.ts'
import { weekendOpenRule } from './rules/weekend-open.ts'
import { weightSumRule } from './rules/weight-sum.ts'
import { INDEX_CODE_PATTERN, STOCK_CODE_PATTERN } from './datasets.ts'
import type { Rule } from './types.ts'

// The rule set of each dataset, in the order the rules run. Order matters where a rule looks
// only at rows not yet rejected (investor_zero_sum after schema, duplicate_key, net_identity;
// isin_unique after schema and duplicate_key; snapshot_complete after every reject rule of its
// dataset; weight_sum and ratio_consistency after every reject rule, so they warn only on rows
// that will be kept).
const RULE_SETS: Record<Dataset, readonly Rule[]> = {
  ohlcv_daily: [schemaRule, duplicateKeyRule, ohlcConsistencyRule, tradingValueRangeRule, priceLimitRule, calendarRule, rowCountRule, crossSourceAgreementRule],
  market_cap_daily: [schemaRule, duplicateKeyRule, marketCapIdentityRule, calendarRule, rowCountRule, crossSourceAgreementRule],
  investor_trading: [schemaRule, duplicateKeyRule, netIdentityRule, investorZeroSumRule, calendarRule, rowCountRule, crossSourceAgreementRule],
  stocks: [schemaRule, duplicateKeyRule, delistingConsistencyRule, isinUniqueRule, activeStockCountRule],
  sectors: [schemaRule, duplicateKeyRule, knownStockRule('warn')],
  index_components: [
    schemaRule,
    duplicateKeyRule,
    snapshotCompleteRule({ column: 'index_code', noun: 'index', plural: 'indexes', pattern: INDEX_CODE_PATTERN }),
    memberCountRule,
  ],
  floating_shares: [schemaRule, duplicateKeyRule, floatingRatioRangeRule, floatingLeTotalRule, knownStockRule('reject'), ratioConsistencyRule],
  etf_portfolios: [
    schemaRule,
    duplicateKeyRule,
    snapshotCompleteRule({ column: 'etf_code', noun: 'ETF', plural: 'ETFs', pattern: STOCK_CODE_PATTERN }),
    weightSumRule,
  ],
  market_calendar: [schemaRule, duplicateKeyRule, weekendOpenRule],
}

export function rulesFor(dataset: Dataset): readonly Rule[] {
  const rules = (RULE_SETS as Partial<Record<string, readonly Rule[]>>)[dataset]
  if (!rules) throw new Error(`no validation rules for dataset "${dataset}"`)
  return rules
}
