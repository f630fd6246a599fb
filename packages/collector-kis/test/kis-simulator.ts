import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createLogger, type AppConfig, type Logger } from '@kmd/core'
import type { RunningSimulator } from '@kmd/source-simulator'
import { createKisClient, type KisClient, type KisClientOptions } from '../src/index.ts'

/** Helpers for tests against the source simulator's KIS gateway. */

export interface TestApp {
  appKey: string
  appSecret: string
  tokenCacheDir: string
}

/** A fresh app key and secret the simulator accepts, with a token cache folder of its own. */
export async function newApp(simulator: RunningSimulator): Promise<TestApp> {
  const app = {
    appKey: `PS${randomUUID().replace(/-/g, '')}`,
    appSecret: `secret-${randomUUID()}-${randomUUID()}`,
    tokenCacheDir: join(await mkdtemp(join(tmpdir(), 'kis-tokens-')), 'cache'),
  }
  simulator.kis.addApp(app.appKey, app.appSecret)
  return app
}

export function kisConfig(simulator: RunningSimulator, app: TestApp, overrides: Partial<AppConfig['kis']> = {}): Pick<AppConfig, 'kis' | 'httpTimeoutMs'> {
  return {
    kis: {
      env: 'real',
      baseUrl: simulator.url,
      appKey: app.appKey,
      appSecret: app.appSecret,
      custType: 'P',
      maxRequestsPerSecond: 1_000,
      tokenCacheDir: app.tokenCacheDir,
      ...overrides,
    },
    httpTimeoutMs: 5_000,
  }
}

export function kisClient(simulator: RunningSimulator, app: TestApp, options: KisClientOptions = {}): KisClient {
  return createKisClient(kisConfig(simulator, app), { retries: 3, minRetryDelayMs: 20, ...options })
}

/** A logger whose output a test can read. */
export function capturedLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { logger: createLogger({ destination, level: 'debug' }), text: () => lines.join('') }
}

const CHILD = fileURLToPath(new URL('./kis-token-child.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** Runs the child process of kis-token-child.ts and resolves with its exit code and output. */
export function runChildProcess(simulator: RunningSimulator, app: TestApp, stockCode: string, date: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, stockCode, date], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_LEVEL: 'silent',
        KIS_BASE_URL: simulator.url,
        KIS_APP_KEY: app.appKey,
        KIS_APP_SECRET: app.appSecret,
        KIS_TOKEN_CACHE_DIR: app.tokenCacheDir,
        KIS_MAX_REQUESTS_PER_SECOND: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}
