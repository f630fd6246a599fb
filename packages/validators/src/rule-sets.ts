import type { Dataset } from '@kmd/core'
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
import { INDEX_CODE_PATTERN, STOCK_CODE_PATTERN } from './datasets.ts'
import type { Rule } from './types.ts'

// Daily datasets: the stock must be listed on the trade date (stocks, else production's codes).
const unknownStock = knownStockRule('reject', { listedOnTradeDate: true })

// The rule set of each dataset, in the order the rules run. Order matters where a rule looks
// only at rows not yet rejected (investor_zero_sum after schema, duplicate_key, net_identity;
// isin_unique after schema and duplicate_key; snapshot_complete after every reject rule of its
// dataset; weight_sum, ratio_consistency and volume_anomaly after every reject rule, so they
// warn only on rows that will be kept). out_of_range runs right after schema for every dataset
// so a cell production cannot hold is named before anything computes with it; duplicate_key
// before the rules that judge a row on its own; unknown_stock before the rules that look a
// stock up in production; price_limit, change_consistency and average_price share one view of
// production's previous close and its named exceptions (src/previous-close.ts); completeness
// last, so a rejected row counts as a missing key.
const RULE_SETS: Record<Dataset, readonly Rule[]> = {
  ohlcv_daily: [
    schemaRule,
    outOfRangeRule,
    duplicateKeyRule,
    unknownStock,
    ohlcConsistencyRule,
    tickGridRule,
    priceLimitRule,
    changeConsistencyRule,
    changeRateConsistencyRule,
    averagePriceRule,
    tradingValueRangeRule,
    volumeAnomalyRule,
    calendarRule,
    rowCountRule,
    crossSourceAgreementRule,
    completenessRule,
  ],
  market_cap_daily: [schemaRule, outOfRangeRule, duplicateKeyRule, unknownStock, marketCapIdentityRule, tickGridRule, calendarRule, rowCountRule, crossSourceAgreementRule, completenessRule],
  investor_trading: [schemaRule, outOfRangeRule, duplicateKeyRule, unknownStock, netIdentityRule, investorZeroSumRule, calendarRule, rowCountRule, crossSourceAgreementRule, completenessRule],
  stocks: [schemaRule, outOfRangeRule, duplicateKeyRule, delistingConsistencyRule, isinUniqueRule, activeStockCountRule],
  sectors: [schemaRule, outOfRangeRule, duplicateKeyRule, knownStockRule('warn')],
  index_components: [
    schemaRule,
    outOfRangeRule,
    duplicateKeyRule,
    snapshotCompleteRule({ column: 'index_code', noun: 'index', plural: 'indexes', pattern: INDEX_CODE_PATTERN }),
    memberCountRule,
  ],
  floating_shares: [schemaRule, outOfRangeRule, duplicateKeyRule, floatingRatioRangeRule, floatingLeTotalRule, knownStockRule('reject'), ratioConsistencyRule],
  etf_portfolios: [
    schemaRule,
    outOfRangeRule,
    duplicateKeyRule,
    snapshotCompleteRule({ column: 'etf_code', noun: 'ETF', plural: 'ETFs', pattern: STOCK_CODE_PATTERN }),
    weightSumRule,
  ],
  market_calendar: [schemaRule, outOfRangeRule, duplicateKeyRule, weekendOpenRule],
}

export function rulesFor(dataset: Dataset): readonly Rule[] {
  const rules = (RULE_SETS as Partial<Record<string, readonly Rule[]>>)[dataset]
  if (!rules) throw new Error(`no validation rules for dataset "${dataset}"`)
  return rules
}
