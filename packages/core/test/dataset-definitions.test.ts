import { readFile } from 'node:fs/promises'
import { describe, expect, test } from 'vitest'
import { DATASET_DEFINITIONS, DATASETS, datasetDefinition, stagedColumns, type DatasetDefinition } from '../src/index.ts'
import { renderDatasetTables } from '../src/datasets/kysely-types.ts'

const GENERATED = new URL('../../types/src/generated/dataset-tables.ts', import.meta.url)
const definitions: readonly DatasetDefinition[] = DATASET_DEFINITIONS

describe('dataset definitions', () => {
  test.each(definitions.map((definition) => [definition.name, definition] as const))('%s names only its own columns', (_, definition) => {
    const columns = Object.keys(definition.columns)
    const staged = stagedColumns(definition)
    const named = [
      ...definition.key,
      ...definition.required,
      ...definition.valueColumns,
      ...Object.values(definition.notReportedBySource ?? {}).flat(),
      ...[definition.keyDateColumn, definition.batchDateColumn, definition.crossSourceAgreement?.column, definition.snapshot?.column].filter((c) => c != null),
    ]
    expect(named.filter((column) => !staged.includes(column))).toEqual([])
    expect(new Set(columns).size).toBe(columns.length)
    if (definition.keyDateColumn !== null) expect(definition.key).toContain(definition.keyDateColumn)
    expect(definition.stagingTable).toBe(`staging.${definition.name}`)
  })

  test('daily datasets are hypertables keyed on their trade date', () => {
    for (const definition of definitions.filter((d) => d.kind === 'daily')) {
      expect(definition.hypertable, definition.name).toBeDefined()
      expect(definition.batchDateColumn).toBe(definition.keyDateColumn)
      expect(definition.key).toContain(definition.keyDateColumn)
    }
  })

  test('an unknown dataset name is an error, not a guess', () => {
    expect(datasetDefinition('ohlcv_daily').productionTable).toBe('ohlcv_daily')
    expect(() => datasetDefinition('ohlcv_weekly')).toThrow(/unknown dataset "ohlcv_weekly"/)
    expect(DATASETS).toEqual(definitions.map((definition) => definition.name))
  })

  test('the committed Kysely types of @kmd/market-data-types are what the definitions produce (pnpm gen:types)', async () => {
    expect(await readFile(GENERATED, 'utf8')).toBe(renderDatasetTables(definitions))
  })
})
