import { readdir } from 'node:fs/promises'
import { expect, test } from 'vitest'
import { MIGRATIONS } from '../../../migrations/index.ts'
import { MIGRATIONS_DIR } from '../src/index.ts'

test('migrations/index.ts lists exactly the NNNN_name.ts files of migrations/, in order', async () => {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{4}_[a-z0-9_]+\.ts$/.test(file)).sort()
  expect(Object.keys(MIGRATIONS)).toEqual(files.map((file) => file.replace(/\.ts$/, '')))
  for (const migration of Object.values(MIGRATIONS)) expect(typeof migration.up).toBe('function')
})
