import { describe, expect, test } from 'vitest'
import { sql } from 'kysely'
import { useMigratedDatabase } from '@kmd/db/testing'
import { datasetSpec } from '../src/datasets.ts'
import { DEFAULT_COMPLETENESS_THRESHOLD } from '../src/expected-keys.ts'
import { flagRows } from '../src/flag-rows.ts'
import { isRowRule } from '../src/row-pass.ts'
import { rulesFor } from '../src/rule-sets.ts'
import { weekdaysTrade } from '../src/rules/calendar.ts'
import { batchParam, stagingTable } from '../src/sql-parts.ts'
import { validateBatch, type RuleContext, type RuleFinding, type ValidationTarget } from '../src/index.ts'
import { bar, checkRows, marks, newTarget, seedOhlcv, stage, type StagedRow } from './staging.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

/** Every rule on its own, each row rule through flagRows: one read and one UPDATE per rule, as before passes. */
async function ruleByRule(target: ValidationTarget): Promise<RuleFinding[]> {
  // The previous-close rules keep their view in a temporary table dropped at commit.
  return db().transaction().execute((trx) => ruleByRuleIn({ db: trx, target, spec: datasetSpec(target.dataset), isTradingDay: weekdaysTrade, completenessThreshold: DEFAULT_COMPLETENESS_THRESHOLD }))
}

async function ruleByRuleIn(context: RuleContext): Promise<RuleFinding[]> {
  const { target, spec } = context
  const findings: RuleFinding[] = []
  for (const rule of rulesFor(target.dataset)) {
    if (!isRowRule(rule)) {
      findings.push(await rule.check(context))
      continue
    }
    const answer = await rule.rowCheck(context)
    if (!('reasons' in answer)) {
      findings.push(answer)
      continue
    }
    const found = await flagRows(context, {
      column: answer.column,
      sampleKey: answer.sampleKey,
      checked: sql`
        select s.row_number, ${answer.reasons} as reasons, ${answer.note ?? sql`null::text`} as note
        from ${stagingTable(spec)} s
        ${answer.joins ?? sql``}
        where s.batch_id = ${batchParam(target.batchId)} and coalesce(${answer.where ?? sql`true`}, false)`,
    })
    findings.push(answer.verdict(found))
  }
  return findings
}

const verdicts = (findings: readonly RuleFinding[]) =>
  findings.map(({ passed, checkedCount, issueCount, sample, message }) => ({ passed, checkedCount, issueCount, sample, message }))

// Several faults per row, from rules of one pass and of different passes (duplicate_key and the
// previous-close rules run between them), rejections and warnings on one row, a stock whose
// market the master does not know (tick_grid's note).
const FAULTY: StagedRow[] = [
  bar('005930', 71000, { high_price: 70000, low_price: 71500, close_price: 71000.5, change_rate: 9.99 }),
  bar('000660', 92, { trading_value: 1, change_rate: 5 }),
  bar('ZZZZZZ', 100, { volume: -5, close_price: 0 }),
  bar('035720', 300, { close_price: null, trading_value: 0, open_price: 301 }),
  bar('035420', 150),
  bar('035420', 151, { trading_value: 99_999_999 }),
  bar('123456', 1001, { high_price: 1003 }),
  bar('000100', 100, { parse_errors: ['volume: not a number'] }),
  bar('000120', 100),
]

describe('one pass per run of row rules', () => {
  test('leaves the same marks, in the same order, and the same check rows as running the rules one by one', async () => {
    const passed = newTarget('ohlcv_daily', '2019-06-03')
    const alone = newTarget('ohlcv_daily', '2019-06-03')
    await stage(db(), passed, FAULTY, { unlisted: ['ZZZZZZ', '123456'] })
    await stage(db(), alone, FAULTY, { unlisted: ['ZZZZZZ', '123456'] })

    const outcome = await validateBatch(db(), passed)
    const expected = await ruleByRule(alone)

    const inPass = await marks(db(), passed)
    const oneByOne = await marks(db(), alone)
    expect(inPass.map(({ reject_reasons, warnings }) => ({ reject_reasons, warnings }))).toEqual(
      oneByOne.map(({ reject_reasons, warnings }) => ({ reject_reasons, warnings })),
    )
    expect(verdicts(outcome.checks)).toEqual(verdicts(expected))
    const recorded = await checkRows(db(), passed.runId)
    expect(recorded.map((row) => [row.check_type, row.issue_count, row.checked_count, row.message])).toEqual(
      outcome.checks.map((check, i) => [check.checkName, expected[i]!.issueCount, expected[i]!.checkedCount, expected[i]!.message]),
    )

    // The batch does exercise what a pass must get right: a row with reasons from several rules
    // of one pass and of two passes, in rule order, and a row with both reasons and a warning.
    const first = inPass[0]!.reject_reasons!
    expect(first.map((reason) => reason.split(':')[0])).toEqual([
      'out_of_range',
      'ohlc_consistency',
      'tick_grid',
      'change_rate_consistency',
    ])
    expect(inPass[1]).toMatchObject({ reject_reasons: [expect.stringMatching(/^change_rate_consistency/)], warnings: [expect.stringMatching(/^trading_value_range/)] })
    expect(inPass[5]!.reject_reasons!.map((reason) => reason.split(':')[0])).toEqual(['duplicate_key'])
    expect(inPass[6]!.reject_reasons!.map((reason) => reason.split(':')[0])).toEqual(['unknown_stock', 'tick_grid', 'tick_grid', 'tick_grid', 'tick_grid'])
    expect(outcome.checks.find((check) => check.checkName === 'tick_grid')!.message).toContain('2 rows judged on the grid all markets share')
  })

  test('the previous-close rules in the pass (price_limit, change_consistency, average_price) leave what they leave one by one', async () => {
    // Friday's closes in production: Monday's bars are judged against them.
    await seedOhlcv(db(), '2019-06-07', { '035420': 100, '000120': 100, '000660': 92, '005930': 71000 })
    const rows = [
      bar('035420', 150), // +50%: beyond the band, and its change 0 disagrees
      bar('000120', 100, { change: 5 }), // the close stayed, the change says +5
      bar('000660', 92, { trading_value: 1 }), // an average price of 0.01
      bar('005930', 71000),
      bar('123456', 1000), // no close in production: a new listing, counted
    ]
    const passed = newTarget('ohlcv_daily', '2019-06-10')
    const alone = newTarget('ohlcv_daily', '2019-06-10')
    await stage(db(), passed, rows)
    await stage(db(), alone, rows)

    const outcome = await validateBatch(db(), passed)
    const expected = await ruleByRule(alone)

    const inPass = await marks(db(), passed)
    expect(inPass.map(({ reject_reasons, warnings }) => ({ reject_reasons, warnings }))).toEqual(
      (await marks(db(), alone)).map(({ reject_reasons, warnings }) => ({ reject_reasons, warnings })),
    )
    expect(verdicts(outcome.checks)).toEqual(verdicts(expected))
    expect(inPass.map((row) => (row.reject_reasons ?? []).map((reason) => reason.split(':')[0]))).toEqual([
      ['price_limit', 'change_consistency'],
      ['change_consistency'],
      ['average_price'],
      [],
      [],
    ])
    const priceLimit = outcome.checks.find((check) => check.checkName === 'price_limit')!
    expect(priceLimit).toMatchObject({ passed: false, checkedCount: 5, issueCount: 1, threshold: 0.3 })
    expect(priceLimit.message).toContain('new_listing 1')
  })
})
