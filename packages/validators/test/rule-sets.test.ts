import { describe, expect, test } from 'vitest'
import { DATASET_DEFINITIONS, type DatasetDefinition } from '@kmd/core'
import { rulesFor } from '../src/index.ts'
import { datasetSpec } from '../src/datasets.ts'

const definitions: readonly DatasetDefinition[] = DATASET_DEFINITIONS

describe('rule sets from the dataset definitions', () => {
  test.each(definitions.map((definition) => [definition.name, definition] as const))('%s runs the rules its definition names, in order, with the severities it gives', (dataset, definition) => {
    // active_stock_count is the stock master's row_count check and reports under that name.
    const reported = (name: string) => (name === 'active_stock_count' ? 'row_count' : name)
    const named = definition.rules.map((reference) => (typeof reference === 'string' ? reported(reference) : `${reference.name}/${reference.severity}`))
    const built = rulesFor(dataset as never).map((rule, index) => (typeof definition.rules[index] === 'string' ? rule.name : `${rule.name}/${rule.severity}`))
    expect(built).toEqual(named)
  })

  test('sectors warn about an unknown stock, floating shares refuse it', () => {
    expect(rulesFor('sectors').find((rule) => rule.name === 'known_stock')?.severity).toBe('warn')
    expect(rulesFor('floating_shares').find((rule) => rule.name === 'known_stock')?.severity).toBe('reject')
  })

  test('specs take formats, choices and bounds from the columns, in column order', () => {
    const stocks = datasetSpec('stocks')
    expect(stocks.formats.map((format) => format.column)).toEqual(['stock_code', 'isin'])
    expect(stocks.choices).toEqual([{ column: 'market', values: ['KOSPI', 'KOSDAQ', 'KONEX'] }])
    expect(stocks.bounds).toEqual([{ column: 'listed_shares', atLeast: '0', says: 'is negative' }])
    expect(datasetSpec('etf_portfolios').nonBlankColumns).toEqual(['component_code', 'component_name'])
    expect(datasetSpec('ohlcv_daily').tickGridColumns).toEqual(['open_price', 'high_price', 'low_price', 'close_price'])
    expect(datasetSpec('investor_trading').entityColumns).toEqual(['stock_code', 'investor_type'])
  })
})
