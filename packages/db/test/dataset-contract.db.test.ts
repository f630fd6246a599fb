import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  DATASET_DEFINITIONS,
  productionColumns,
  STAGING_ROW_COLUMNS,
  STAGING_TYPE_OF_KIND,
  stagedColumns,
  type DatasetDefinition,
  type ProductionType,
} from '@kmd/core'
import { detectCapabilities, migrateToLatest } from '../src/index.ts'
import { openTestDatabase, type TestDatabase } from '../src/testing/index.ts'

/**
 * The dataset definitions (`@kmd/core` datasets/) against the schema the migrations build, on
 * whichever backend runs this file: every column a definition names exists with its type and
 * nullability, and the tables hold no column the definition does not account for.
 */

interface CatalogColumn {
  column: string
  type: string
  nullable: boolean
}

let test_: TestDatabase
const db = () => test_.database.db
const definitions: readonly DatasetDefinition[] = DATASET_DEFINITIONS

beforeAll(async () => {
  test_ = await openTestDatabase()
  const migrated = await migrateToLatest(db())
  if (migrated.error) throw migrated.error
})
afterAll(async () => {
  await test_?.dispose()
})

async function catalogColumns(qualifiedTable: string): Promise<CatalogColumn[]> {
  const [schema, table] = qualifiedTable.includes('.') ? qualifiedTable.split('.') : ['public', qualifiedTable]
  const { rows } = await sql<{ column: string; data_type: string; nullable: string; length: number | null; precision: number | null; scale: number | null }>`
    select column_name as column, data_type, is_nullable as nullable, character_maximum_length as length,
           numeric_precision as precision, numeric_scale as scale
    from information_schema.columns
    where table_schema = ${schema} and table_name = ${table}
    order by ordinal_position`.execute(db())
  return rows.map((row) => ({ column: row.column, type: describeCatalogType(row), nullable: row.nullable === 'YES' }))
}

// information_schema's words for a type, written the way the definitions write it.
function describeCatalogType(row: { data_type: string; length: number | null; precision: number | null; scale: number | null }): string {
  switch (row.data_type) {
    case 'character varying':
      return `varchar(${row.length})`
    case 'character':
      return `char(${row.length})`
    case 'numeric':
      return row.precision === null ? 'numeric' : `numeric(${row.precision}, ${row.scale})`
    case 'timestamp with time zone':
      return 'timestamptz'
    case 'time without time zone':
      return 'time'
    default:
      return row.data_type
  }
}

describe.each(definitions.map((definition) => [definition.name, definition] as const))('the definition of %s', (_, definition) => {
  test('matches its production table: columns, types, nullability; the rest are audit columns', async () => {
    const actual = await catalogColumns(definition.productionTable)
    const expected: CatalogColumn[] = [
      ...productionColumns(definition).map(([column, { production, nullable }]): CatalogColumn => ({ column, type: production satisfies ProductionType, nullable: nullable === true })),
      ...definition.auditColumns.map((column) => actual.find((row) => row.column === column) ?? { column, type: '(missing)', nullable: false }),
    ]
    const byName = (rows: CatalogColumn[]) => [...rows].sort((a, b) => a.column.localeCompare(b.column))
    expect(byName(actual)).toEqual(byName(expected))
  })

  test('matches its staging table: staged columns typed by kind, all nullable; the rest are the staging row columns', async () => {
    const actual = await catalogColumns(definition.stagingTable)
    const staged = stagedColumns(definition).map((column): CatalogColumn => ({ column, type: STAGING_TYPE_OF_KIND[definition.columns[column]!.kind], nullable: true }))
    expect(actual.filter((row) => !(STAGING_ROW_COLUMNS as readonly string[]).includes(row.column))).toEqual(staged)
    expect(actual.map((row) => row.column).filter((column) => (STAGING_ROW_COLUMNS as readonly string[]).includes(column)).sort()).toEqual([...STAGING_ROW_COLUMNS].sort())
  })

  test('its aggregates exist', async () => {
    const views = definition.aggregates.map((aggregate) => aggregate.view)
    if (views.length === 0) return
    const { rows } = await sql<{ name: string }>`select relname as name from pg_class where relname in (${sql.join(views)}) order by 1`.execute(db())
    expect(rows.map((row) => row.name)).toEqual([...views].sort())
  })
})

describe('views over every dataset (sql/10_views.sql cannot import the definitions)', () => {
  test('data_freshness has a row for every dataset with a default schedule', async () => {
    const { rows } = await sql<{ data_type: string }>`select data_type from data_freshness`.execute(db())
    const listed = rows.map((row) => row.data_type)
    const scheduled = definitions.filter((definition) => definition.schedule !== undefined).map((definition) => definition.name)
    expect(scheduled.filter((dataset) => !listed.includes(dataset))).toEqual([])
  })
})

describe('partitioning', () => {
  test('with TimescaleDB, exactly the definitions with a hypertable are hypertables, chunked as defined', async () => {
    const capabilities = await detectCapabilities(db())
    if (!capabilities.timescaledbInstalled) return
    const tables = definitions.map((definition) => definition.productionTable)
    const { rows } = await sql<{ table: string; column: string; interval: string }>`
      select hypertable_name as table, column_name as column, extract(epoch from time_interval)::bigint::text as interval
      from timescaledb_information.dimensions
      where hypertable_schema = 'public' and hypertable_name in (${sql.join(tables)})
      order by 1`.execute(db())
    const expected = definitions
      .filter((definition) => definition.hypertable !== undefined)
      .map((definition) => ({ table: definition.productionTable, column: definition.keyDateColumn!, interval: String(Number.parseInt(definition.hypertable!.chunkInterval, 10) * 86_400) }))
      .sort((a, b) => a.table.localeCompare(b.table))
    expect(rows).toEqual(expected)
  })
})
