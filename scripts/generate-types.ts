// Writes the Kysely table types of the datasets' production tables into @kmd/market-data-types
// from the dataset definitions: `pnpm gen:types`. packages/core/test/dataset-definitions.test.ts
// fails when the committed file differs.
import { writeFile } from 'node:fs/promises'
import { DATASET_DEFINITIONS } from '../packages/core/src/datasets/index.ts'
import { renderDatasetTables } from '../packages/core/src/datasets/kysely-types.ts'

const target = new URL('../packages/types/src/generated/dataset-tables.ts', import.meta.url)
await writeFile(target, renderDatasetTables(DATASET_DEFINITIONS))
console.log(`wrote ${target.pathname}`)
