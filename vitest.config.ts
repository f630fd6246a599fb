import { defineConfig } from 'vitest/config'
import { resolveServerTestTarget } from './packages/db/src/testing/resolve-backend.ts'

/**
 * `pnpm test` runs three projects:
 *   unit      tests that need no database (parsers, calendar, simulator, HTTP client)
 *   embedded  every *.db.test.ts on the embedded TimescaleDB (PGlite)
 *   server    the same files, unchanged, on a PostgreSQL server: TEST_DATABASE_URL if set,
 *             else a TimescaleDB container when Docker answers, else the local server
 *             postgres://postgres@127.0.0.1:5432/test.
 */
const server = await resolveServerTestTarget(process.env)

export default defineConfig({
    test: {
      testTimeout: 60_000,
      hookTimeout: 120_000,
      projects: [
        {
          extends: true,
          test: { name: 'unit', include: ['packages/*/test/**/*.test.ts'], exclude: ['**/*.db.test.ts', '**/node_modules/**'] },
        },
        {
          extends: true,
          test: { name: 'embedded', include: ['packages/*/test/**/*.db.test.ts'], env: { TEST_BACKEND: 'embedded' } },
        },
        {
          extends: true,
          test: { name: 'server', include: ['packages/*/test/**/*.db.test.ts'], env: server },
        },
      ],
    },
})
