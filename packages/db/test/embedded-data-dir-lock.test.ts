import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DataDirInUseError, openDatabase } from '../src/index.ts'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const HOLDER = fileURLToPath(new URL('./fixtures/hold-embedded.ts', import.meta.url))

let dir: string
const lockFile = () => `${dir}.kmd.lock`
const open = () => openDatabase({ databaseUrl: undefined, embeddedDataDir: dir, databasePoolSize: 1 })

/** Starts a process that opens `dir`; resolves once it says the database is open. */
function holder(mode: 'hold' | 'exit'): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    // node itself (tsx as a loader), so that the child's pid is the process holding the folder.
    const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir, mode], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    let stderr = ''
    child.stderr!.on('data', (chunk) => (stderr += chunk))
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('open')) resolve({ child, exited })
    })
    child.on('exit', (code) => reject(new Error(`holder exited (${code}) before opening: ${stderr}`)))
  })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kmd-lock-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  await rm(lockFile(), { force: true })
})

describe('embedded data folder lock', () => {
  test('a second process gets a clear "in use" error naming the holder, not a WASM abort', async () => {
    const { child, exited } = await holder('hold')
    try {
      const lock = JSON.parse(readFileSync(lockFile(), 'utf8'))
      expect(lock).toMatchObject({ pid: child.pid, host: hostname() })
      const error = await open().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DataDirInUseError)
      expect((error as Error).message).toMatch(
        new RegExp(`^embedded database ${dir} is in use by pid ${child.pid} \\(started \\d{4}-\\d{2}-\\d{2}T[^)]+\\); stop it or use another EMBEDDED_DATA_DIR`),
      )
    } finally {
      child.kill('SIGKILL')
      await exited
    }
    // Killed outright, it left its lock behind: stale now, since its pid is gone.
    expect(existsSync(lockFile())).toBe(true)
    const database = await open()
    try {
      expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(process.pid)
      // The same process may not open it twice either.
      await expect(open()).rejects.toThrow(/already open in this process/)
    } finally {
      await database.close()
    }
    expect(existsSync(lockFile())).toBe(false)
  })

  test('a process that exits without closing removes its lock', async () => {
    const { exited } = await holder('exit')
    expect(await exited).toBe(0)
    expect(existsSync(lockFile())).toBe(false)
  })
})
