import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

/**
 * The per-file databases the test harness creates on a server, and their removal whatever
 * happens: dropped by `dispose`, by the harness when setup fails, at process exit (also on
 * SIGINT/SIGTERM), and, for runs that were killed outright, by the next run's sweep.
 *
 * Each is named `kmd_test_<unix seconds>_<random>` and carries a comment with its creator's
 * pid and host, so the sweep can tell a leftover (creator gone, or older than an hour) from a
 * database another run is using right now.
 */

export const TEST_DATABASE_PREFIX = 'kmd_test_'
const LEFTOVER_AFTER_MS = 60 * 60_000
const DROP_SCRIPT = fileURLToPath(new URL('./drop-databases.mjs', import.meta.url))

interface Creator {
  pid: number
  host: string
  createdAt: string
}

/** Databases this process created and has not dropped yet, by server URL. */
const live = new Map<string, Set<string>>()
const swept = new Map<string, Promise<string[]>>()
let exitHooked = false

/** Creates an empty database on the server and records it for removal. */
export async function createTestDatabase(serverUrl: string): Promise<string> {
  await sweepOnce(serverUrl)
  const name = `${TEST_DATABASE_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`
  const creator: Creator = { pid: process.pid, host: hostname(), createdAt: new Date().toISOString() }
  hookProcessExit()
  await withAdminClient(serverUrl, async (client) => {
    await client.query(`create database ${client.escapeIdentifier(name)}`)
    track(serverUrl, name)
    await client.query(`comment on database ${client.escapeIdentifier(name)} is ${client.escapeLiteral(JSON.stringify(creator))}`)
  })
  return name
}

export async function dropTestDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdminClient(serverUrl, (client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`))
  live.get(serverUrl)?.delete(name)
}

/** The sweep, once per server and process: drops leftovers of runs that crashed. Returns what it dropped. */
export function sweepOnce(serverUrl: string): Promise<string[]> {
  let sweep = swept.get(serverUrl)
  if (!sweep) {
    sweep = sweepLeftovers(serverUrl).catch(() => [])
    swept.set(serverUrl, sweep)
  }
  return sweep
}

/**
 * Drops harness databases whose creator is gone (a dead pid on this host) or that are older
 * than an hour. Databases of the older naming (`kmd_test_<hex>`, no comment) are dropped when
 * nothing has touched their files for an hour (needs the superuser's pg_stat_file).
 */
export async function sweepLeftovers(serverUrl: string, now = Date.now()): Promise<string[]> {
  return withAdminClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string; note: string | null; oid: number }>(
      `select datname, shobj_description(oid, 'pg_database') as note, oid from pg_database where datname like 'kmd\\_test\\_%'`,
    )
    const dropped: string[] = []
    for (const row of rows) {
      if (live.get(serverUrl)?.has(row.datname)) continue
      const leftover = row.note ? isLeftover(row.note, now) : await untouchedForAnHour(client, row.oid, now)
      if (!leftover) continue
      try {
        await client.query(`drop database if exists ${client.escapeIdentifier(row.datname)} with (force)`)
        dropped.push(row.datname)
      } catch {
        // dropped by another worker's sweep meanwhile, or not ours to drop
      }
    }
    return dropped
  })
}

function isLeftover(note: string, now: number): boolean {
  let creator: Partial<Creator>
  try {
    creator = JSON.parse(note) as Partial<Creator>
  } catch {
    return false // a comment the harness did not write: not ours
  }
  const createdAt = Date.parse(creator.createdAt ?? '')
  if (Number.isFinite(createdAt) && now - createdAt > LEFTOVER_AFTER_MS) return true
  return creator.host === hostname() && typeof creator.pid === 'number' && !isAlive(creator.pid)
}

async function untouchedForAnHour(client: pg.Client, oid: number, now: number): Promise<boolean> {
  try {
    const { rows } = await client.query<{ modified: Date }>(`select (pg_stat_file('base/' || $1::text)).modification as modified`, [oid])
    return rows[0] !== undefined && now - rows[0].modified.getTime() > LEFTOVER_AFTER_MS
  } catch {
    return false // not a superuser: leave it
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function track(serverUrl: string, name: string): void {
  const names = live.get(serverUrl) ?? new Set<string>()
  names.add(name)
  live.set(serverUrl, names)
}

/** At exit nothing asynchronous runs: a short child process drops what is still held. */
function hookProcessExit(): void {
  if (exitHooked) return
  exitHooked = true
  process.on('exit', () => {
    for (const [serverUrl, names] of live) {
      if (names.size === 0) continue
      spawnSync(process.execPath, [DROP_SCRIPT, serverUrl, ...names], { stdio: 'ignore', timeout: 15_000 })
    }
  })
  // A signal's default action skips 'exit' handlers; exit properly instead, unless the test
  // runner already handles the signal itself.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(code))
  }
}

export async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => undefined)
    throw new Error(
      `cannot reach the test server at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(error as Error).message}. ` +
        'Start PostgreSQL or set TEST_DATABASE_URL.',
    )
  }
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}
