import { hostname } from 'node:os'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database, MarketDatabase } from '@kmd/db'

/**
 * The run lease: what makes a run (its RUNNING log row, its partition claim, its schedule slot)
 * alive. One lease per process and database, shared by the process's runs and held while any
 * of them goes; every row a run writes names its lease_key.
 *
 * Why this design:
 * - Server: the lease is a session-level advisory lock (RUN_LEASE_LOCK_CLASS, lease_key) held on a
 *   dedicated connection. PostgreSQL drops it the moment the session ends, so a kill -9, an OOM
 *   kill or a lost network is seen at once by any other session through pg_locks, with no clock,
 *   no heartbeat and no expiry to tune. Server-side TCP keepalives on that session (below) bound
 *   how long a host that lost power keeps it. The pipeline connects to PostgreSQL directly
 *   (pgbouncer in transaction mode is for readers and would not keep session locks).
 * - Embedded: one process at a time can open the data folder, so any lease but the opener's
 *   own is dead: a RUNNING row found by a new process is a dead run.
 * One connection per process (not per run), so the pool the runs use is not shrunk.
 */

// First key of the two-key advisory lock: 'kmdL', so the leases do not meet other advisory locks.
export const RUN_LEASE_LOCK_CLASS = 0x6b6d644c

// A server drops the lease session of a host that vanished (power loss) after about a minute.
const KEEPALIVE_SQL = 'set tcp_keepalives_idle = 30; set tcp_keepalives_interval = 10; set tcp_keepalives_count = 3'

export interface RunLease {
  readonly key: number
  /** Gives the lease back; the last holder in the process ends it. */
  release(): Promise<void>
}

// The few methods of pg.Client the lease calls (the pool's own Client class creates it).
interface LeaseSession {
  connect(): Promise<unknown>
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>
  end(): Promise<void>
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown
}
interface PoolWithClient {
  options: Record<string, unknown>
  Client: new (options: Record<string, unknown>) => LeaseSession
}

interface LeaseState {
  key: Promise<number>
  holders: number
  session: LeaseSession | undefined
  /** The server session ended under a live process: its runs count as dead; the next acquire starts a new lease. */
  lost: boolean
}

const leases = new WeakMap<Kysely<Database>, LeaseState>()

/** Takes (or shares) this process's lease on the database. Pair every call with `release()`. */
export async function acquireRunLease(database: MarketDatabase): Promise<RunLease> {
  let state = leases.get(database.db)
  if (!state || state.lost) {
    const fresh: LeaseState = { key: Promise.resolve(0), holders: 0, session: undefined, lost: false }
    fresh.key = openLease(database, fresh)
    state = fresh
    leases.set(database.db, state)
  }
  const held = state
  held.holders += 1
  let key: number
  try {
    key = await held.key
  } catch (error) {
    held.holders -= 1
    if (leases.get(database.db) === held) leases.delete(database.db)
    throw error
  }
  let released = false
  return {
    key,
    release: async () => {
      if (released) return
      released = true
      held.holders -= 1
      if (held.holders > 0) return
      if (leases.get(database.db) === held) leases.delete(database.db)
      await closeLease(database, held, key)
    },
  }
}

/** The key of this process's live lease on the database, if it holds one. */
export function currentLeaseKey(database: MarketDatabase): Promise<number | undefined> {
  const state = leases.get(database.db)
  if (!state || state.lost) return Promise.resolve(undefined)
  return state.key.catch(() => undefined)
}

async function openLease(database: MarketDatabase, state: LeaseState): Promise<number> {
  if (database.backend === 'embedded' || !database.pool) {
    const { rows } = await sql<{ lease_key: number }>`insert into run_leases (host, pid) values (${hostname()}, ${process.pid}) returning lease_key`.execute(database.db)
    return rows[0]!.lease_key
  }
  const pool = database.pool as unknown as PoolWithClient
  const session = new pool.Client({ ...pool.options, application_name: `kmd run lease ${hostname()}:${process.pid}` })
  session.on('error', () => {
    state.lost = true
  })
  session.on('end', () => {
    state.lost = true
  })
  await session.connect()
  try {
    await session.query(KEEPALIVE_SQL)
    // Row and lock in one statement: nobody sees the lease row before its lock is held. A try,
    // not a wait: any login may take an advisory key, and a squatter must not stall the pipeline.
    for (let attempt = 0; attempt < 5; attempt++) {
      const { rows } = await session.query(
        'with lease as (insert into run_leases (host, pid) values ($1, $2) returning lease_key) select lease_key, pg_try_advisory_lock($3::integer, lease_key) as locked from lease',
        [hostname(), process.pid, RUN_LEASE_LOCK_CLASS],
      )
      if (rows[0]!.locked !== true) continue
      state.session = session
      return Number(rows[0]!.lease_key)
    }
    throw new Error('could not take a run lease: its advisory keys are held by other sessions')
  } catch (error) {
    await session.end().catch(() => undefined)
    throw error
  }
}

async function closeLease(database: MarketDatabase, state: LeaseState, key: number): Promise<void> {
  if (state.session) {
    // Ending the session releases the lock; the row goes first so nobody reads a half-ended lease.
    await state.session.query('delete from run_leases where lease_key = $1', [key]).catch(() => undefined)
    await state.session.end().catch(() => undefined)
    return
  }
  await sql`delete from run_leases where lease_key = ${key}`.execute(database.db).catch(() => undefined)
}

/**
 * SQL that is true when the lease named by `leaseKey` is dead, as this process sees it.
 * `since` is when the row was written: a row without a lease (written before migration 0010)
 * counts as dead on a server once LEGACY_GRACE has passed.
 */
export async function leaseIsDead(database: MarketDatabase, leaseKey: RawBuilder<unknown>, since: RawBuilder<unknown>): Promise<RawBuilder<boolean>> {
  if (database.backend === 'embedded') {
    // Only this process has the data folder open: every lease but its own is dead.
    const mine = (await currentLeaseKey(database)) ?? null
    return sql<boolean>`(${leaseKey} is null or ${leaseKey} is distinct from ${mine}::integer)`
  }
  return sql<boolean>`(case when ${leaseKey} is null then ${since} < now() - interval '${sql.raw(LEGACY_GRACE)}'
    else not exists (
      -- Only a session that may write run_leases can hold a lease: a reader taking the key does not keep a dead run alive.
      select 1 from pg_locks k join pg_stat_activity a on a.pid = k.pid
      where k.locktype = 'advisory' and k.granted and k.objsubid = 2 and has_table_privilege(a.usesysid, 'run_leases', 'INSERT')
        and k.database = (select oid from pg_database where datname = current_database())
        and k.classid = ${RUN_LEASE_LOCK_CLASS}::integer::oid and k.objid = (${leaseKey})::integer::oid) end)`
}

/** What the reaper says of a dead lease: which process held it and how it is known to be gone. */
export function deathNote(database: MarketDatabase): string {
  return database.backend === 'embedded' ? 'it no longer holds the embedded data folder' : 'session lease gone'
}

// Rows from before leases existed: no process can vouch for them; after this long they are dead.
export const LEGACY_GRACE = '6 hours'
