import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { MarketDataError } from '@kmd/core'

/** Another live process has the embedded data folder open. */
export class DataDirInUseError extends MarketDataError {
  constructor(message: string) {
    super(message, { retryable: false })
  }
}

export interface DataDirLock {
  readonly file: string
  /** Removes the lock file (if it is still ours). Safe to call twice. */
  release(): void
}

interface Holder {
  pid: number
  host: string
  startedAt: string
  /** Linux: the boot the process ran in, and its start time in clock ticks, to tell a reused pid. */
  bootId?: string
  processStart?: string
}

/** The lock file of a data folder: beside it, since PGlite creates a new folder only when it is empty. */
export const dataDirLockFile = (dir: string): string => `${dir.replace(/[\\/]+$/, '')}.kmd.lock`

/** Lock files this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>()

/**
 * Claims the embedded data folder for this process with `<dir>.kmd.lock` (pid, host, start
 * time), a file beside the folder. PGlite has no lock of its own: a second engine on the same files dies with a bare WASM
 * `Aborted()`. The lock is stale, and taken over, when its process is gone on this host (or the
 * host rebooted since); it is removed by `release()` and at process exit. A process killed
 * outright leaves the file behind, to be found stale by the next one.
 */
export function acquireDataDirLock(dir: string): DataDirLock {
  const file = dataDirLockFile(dir)
  if (heldHere.has(file)) {
    throw new DataDirInUseError(`embedded database ${dir} is already open in this process (pid ${process.pid}); close it before opening it again`)
  }
  const me: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), bootId: bootId(), processStart: processStart(process.pid) }
  const content = `${JSON.stringify(me)}\n`
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createExclusively(file, content)) return holdLock(file, content)
    const existing = readText(file)
    if (existing === undefined) continue // released meanwhile
    const holder = parseHolder(existing)
    if (holder && !isStale(holder)) {
      const where = holder.host === me.host ? '' : ` on host ${holder.host}`
      throw new DataDirInUseError(
        `embedded database ${dir} is in use by pid ${holder.pid}${where} (started ${holder.startedAt}); ` +
          `stop it or use another EMBEDDED_DATA_DIR. If that process is gone, delete ${file}`,
      )
    }
    // Stale (or unreadable: ours are written whole): remove it unless it changed meanwhile.
    if (readText(file) === existing) {
      try {
        unlinkSync(file)
      } catch {
        // removed by another process taking it over
      }
    }
  }
  throw new DataDirInUseError(`embedded database ${dir}: could not take ${file} (other processes keep taking it)`)
}

function holdLock(file: string, content: string): DataDirLock {
  heldHere.add(file)
  const release = () => {
    if (!heldHere.delete(file)) return
    process.off('exit', release)
    if (readText(file) === content) {
      try {
        unlinkSync(file)
      } catch {
        // already gone
      }
    }
  }
  process.on('exit', release)
  return { file, release }
}

/** Writes a temporary file and hard-links it into place: the lock appears whole or not at all. */
function createExclusively(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(temp, content, { mode: 0o644 })
  try {
    linkSync(temp, file)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(temp)
  }
}

function isStale(holder: Holder): boolean {
  if (holder.host !== hostname()) return false // cannot look at another host's processes
  const currentBoot = bootId()
  if (holder.bootId && currentBoot && holder.bootId !== currentBoot) return true
  // Our own pid, not held by us: left by an earlier process that had this pid.
  if (holder.pid === process.pid) return true
  if (!isAlive(holder.pid)) return true
  // The pid is alive but belongs to a process started after the holder: a reused pid.
  const start = processStart(holder.pid)
  return holder.processStart !== undefined && start !== undefined && start !== holder.processStart
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // alive, another user's
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder>
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined
    return { pid: value.pid, host: value.host, startedAt: String(value.startedAt ?? 'at an unknown time'), bootId: value.bootId, processStart: value.processStart }
  } catch {
    return undefined
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined
}

/** Field 22 of /proc/<pid>/stat: start time after boot, in clock ticks (Linux only). */
function processStart(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`)
  if (!stat) return undefined
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
}
