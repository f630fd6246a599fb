import { createHash, randomUUID } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SourceUnavailableError } from '@kmd/core'

/** An access token and when KIS stops accepting it. */
export interface KisToken {
  accessToken: string
  /** Milliseconds since the epoch. */
  expiresAt: number
}

export interface TokenCacheOptions {
  /** A lock older than this is taken to belong to a process that died holding it; default 2 minutes. */
  staleLockMs?: number
  /** How long to wait for another process's lock before giving up; default 3 minutes. */
  lockWaitMs?: number
  /** How often a waiting process looks at the lock again; default 50 ms. */
  pollMs?: number
}

const OWNER_ONLY_FILE = 0o600
const OWNER_ONLY_DIR = 0o700

/**
 * KIS issues one token a minute per app key and each is good for 24 hours, so the token is
 * kept on disk and shared by every run and process of the pipeline: one file per app key in a
 * folder only its owner can read (0700, file 0600). The file is named by a hash of the host and
 * app key, never the key itself, and replaced atomically (written aside, then renamed), so a
 * reader sees the old token or the new one, never half of one. Issuing goes under a lock file
 * (`open(…, 'wx')`): of two processes starting together, one issues and the other reads its token.
 */
export class KisTokenCache {
  readonly file: string
  private readonly lockFile: string
  private readonly staleLockMs: number
  private readonly lockWaitMs: number
  private readonly pollMs: number

  constructor(
    readonly dir: string,
    identity: { baseUrl: string; appKey: string },
    options: TokenCacheOptions = {},
  ) {
    const digest = createHash('sha256').update(`${identity.baseUrl}\n${identity.appKey}`).digest('hex').slice(0, 32)
    this.file = join(dir, `kis-token-${digest}.json`)
    this.lockFile = `${this.file}.lock`
    this.staleLockMs = options.staleLockMs ?? 120_000
    this.lockWaitMs = options.lockWaitMs ?? 180_000
    this.pollMs = options.pollMs ?? 50
  }

  /** The cached token, or undefined when there is none or the file is not one of ours. */
  async read(): Promise<KisToken | undefined> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
    try {
      const parsed = JSON.parse(text) as { accessToken?: unknown; expiresAt?: unknown }
      const expiresAt = typeof parsed.expiresAt === 'string' ? Date.parse(parsed.expiresAt) : NaN
      if (typeof parsed.accessToken !== 'string' || parsed.accessToken === '' || Number.isNaN(expiresAt)) return undefined
      return { accessToken: parsed.accessToken, expiresAt }
    } catch {
      return undefined
    }
  }

  /** Replaces the cached token atomically; the file is readable by its owner only. */
  async write(token: KisToken): Promise<void> {
    await this.ensureDir()
    const aside = `${this.file}.${process.pid}.${randomUUID()}.tmp`
    const text = JSON.stringify({ accessToken: token.accessToken, expiresAt: new Date(token.expiresAt).toISOString(), savedAt: new Date().toISOString() })
    try {
      await writeFile(aside, `${text}\n`, { mode: OWNER_ONLY_FILE, flag: 'wx' })
      await rename(aside, this.file)
    } catch (error) {
      await rm(aside, { force: true })
      throw error
    }
  }

  /**
   * Runs `work` while holding the cache's lock file. A lock left by a process that died is
   * removed once it is older than `staleLockMs` (its age is that of the file).
   */
  async withLock<T>(work: () => Promise<T>): Promise<T> {
    await this.ensureDir()
    const started = Date.now()
    for (;;) {
      try {
        const handle = await open(this.lockFile, 'wx', OWNER_ONLY_FILE)
        await handle.writeFile(`${process.pid}\n`)
        await handle.close()
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const age = await this.lockAge()
      if (age !== undefined && age > this.staleLockMs) {
        await rm(this.lockFile, { force: true })
        continue
      }
      if (Date.now() - started > this.lockWaitMs) {
        throw new SourceUnavailableError(`kis token cache: another process has held ${this.lockFile} for over ${this.lockWaitMs} ms`)
      }
      await sleep(this.pollMs)
    }
    try {
      return await work()
    } finally {
      await rm(this.lockFile, { force: true })
    }
  }

  private async lockAge(): Promise<number | undefined> {
    try {
      return Date.now() - (await stat(this.lockFile)).mtimeMs
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: OWNER_ONLY_DIR })
    // mkdir leaves an existing folder's mode alone; tighten it when it is ours to change.
    const mode = (await stat(this.dir)).mode & 0o777
    if (mode !== OWNER_ONLY_DIR) await chmod(this.dir, OWNER_ONLY_DIR).catch(() => undefined)
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
}
