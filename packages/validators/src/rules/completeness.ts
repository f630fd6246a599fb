import { rowsText } from '../flag-rows.ts'
import { DEFAULT_COMPLETENESS_THRESHOLD, hasCompleteness, measureCoverage, type Coverage } from '../expected-keys.ts'
import type { Rule } from '../types.ts'

const BASIS_SAYS: Record<Coverage['basis'], string> = {
  master: 'the stocks the master lists that day',
  previous_session: "production's keys of the previous session (no master yet)",
  none: 'nothing: no master and no earlier session to judge against',
  daily_bars: 'every session minute of each stock that traded that day in ohlcv_daily',
  no_daily_bars: 'nothing: ohlcv_daily holds no bar of the day to judge the minute bars by (load it first)',
}

/**
 * A batch must deliver the keys its partition should hold: the stocks listed that day (× the
 * investor types for investor flows), counting only rows no earlier rule rejected, so a corrupt
 * row is a missing key. Any missing key fails the check: the rows are still promoted, but the
 * run is PARTIAL, never SUCCESS. The threshold says whether the day still counts as complete
 * (the ledger; a tolerance for an expectation that can be off by a listing); below it, the
 * pipeline asks the next source for the missing stocks. Runs after every reject rule.
 */
export const completenessRule: Rule = {
  name: 'completeness',
  severity: 'partial',
  threshold: DEFAULT_COMPLETENESS_THRESHOLD,
  description: 'the batch delivers every key its day should hold (the listed stocks, × investor types); below 99% (COMPLETENESS_THRESHOLD) the day is incomplete',
  async check(context) {
    const { target, completenessThreshold: threshold } = context
    if (!hasCompleteness(target.dataset)) throw new Error(`completeness has no key set for ${target.dataset}`)
    const coverage = await measureCoverage(context.db, {
      dataset: target.dataset,
      tradeDate: target.tradeDate,
      delivered: { batchId: target.batchId },
      onlyStocks: target.onlyStocks,
    })
    const passed = coverage.missingCount === 0 && coverage.basis !== 'no_daily_bars'
    const percent = (coverage.ratio * 100).toFixed(2)
    const scope = target.onlyStocks ? ` (gap fill of ${rowsText(target.onlyStocks.length, 'stock')})` : ''
    const delivered = `${coverage.presentCount} of ${rowsText(coverage.expectedCount, 'expected key')} delivered (${percent}%)${scope}; expected: ${BASIS_SAYS[coverage.basis]}`
    return {
      passed,
      threshold,
      checkedCount: coverage.expectedCount,
      issueCount: coverage.missingCount,
      sample: coverage.missingSample.map((key) => ({ key, reason: 'completeness: expected, not delivered (or rejected)' })),
      message:
        coverage.basis === 'no_daily_bars'
          ? `${delivered}: the day is incomplete`
          : coverage.missingCount === 0
          ? delivered
          : coverage.ratio >= threshold
            ? `${delivered}; ${coverage.missingCount} missing, within the ${threshold * 100}% threshold: the day counts as complete`
            : `${delivered}; ${coverage.missingCount} missing, below the ${threshold * 100}% threshold: the day is incomplete`,
    }
  },
}
