import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MarketDatabase } from '@kmd/db'
import { openTestDatabase } from '@kmd/db/testing'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `etl <args>` from the sources (tsx) as a separate process, as `pnpm etl:dev` does. */
export function runCli(args: string[], env: Record<string, string | undefined>, timeoutMs = 120_000): Promise<CliResult> {
  return runProcess(TSX, ['packages/cli/src/main.ts', ...args], env, timeoutMs)
}

/** Runs `etl <args>` from the bundle built by `pnpm build` as a separate process, as `pnpm etl` does. */
export function runBundledCli(args: string[], env: Record<string, string | undefined>, timeoutMs = 120_000): Promise<CliResult> {
  return runProcess(process.execPath, ['packages/cli/bin/etl.mjs', ...args], env, timeoutMs)
}

export type CliRunner = typeof runCli

function runProcess(command: string, args: string[], env: Record<string, string | undefined>, timeoutMs: number): Promise<CliResult> {
  // A developer's own .env stays out of the tests.
  const childEnv: Record<string, string> = { ENV_FILE: 'none' }
  for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) childEnv[key] = value
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key]
  return new Promise((resolve) => {
    execFile(command, args, { cwd: REPO_ROOT, env: childEnv, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

/**
 * A migrated database the CLI can open as a separate process, with KRX pointed at `krxUrl`:
 * a server test database, or (embedded, one process per data folder) a folder of its own.
 * `database` is the test's own connection to it, on a server only (embedded, the CLI's process
 * is the only one the folder admits). `run` migrates it: the sources by default.
 */
export async function migratedCliTarget(
  krxUrl: string,
  extra: Record<string, string> = {},
  run: CliRunner = runCli,
): Promise<{ env: Record<string, string | undefined>; database: MarketDatabase | undefined; dispose(): Promise<void> }> {
  const target = await openTestDatabase()
  const krx = { KRX_BASE_URL: krxUrl, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', ...extra }
  let dataDir: string | undefined
  let env: Record<string, string | undefined>
  if (target.url) {
    env = { ...krx, DATABASE_URL: target.url }
  } else {
    // The embedded engine allows one process per data folder: the CLI gets its own folder.
    await target.dispose()
    dataDir = await mkdtemp(join(tmpdir(), 'kmd-cli-'))
    env = { ...krx, DATABASE_URL: undefined, EMBEDDED_DATA_DIR: dataDir }
  }
  const migrated = await run(['migrate'], env)
  if (migrated.code !== 0) throw new Error(migrated.stderr)
  return {
    env,
    database: target.url ? target.database : undefined,
    async dispose() {
      if (target.url) await target.dispose()
      if (dataDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}
