import { sql, type Kysely } from 'kysely'
import { MarketDataError } from '@kmd/core'
import { pipelineLockTimeoutMs } from './environment.ts'

export interface PipelineLockOptions {
  /** Longest wait for another session's hold; default PIPELINE_LOCK_TIMEOUT_MS (5 minutes). */
  timeoutMs?: number
  /** What the lock protects, for the error message, e.g. `promotion of stocks`. */
  purpose?: string
}

/** Another session held the lock longer than the timeout. Retryable: the holder will finish. */
export class PipelineLockTimeoutError extends MarketDataError {
  constructor(
    message: string,
    readonly lockName: string,
    readonly holderPid: number | undefined,
  ) {
    super(message, { retryable: true })
  }
}

const SAVEPOINT = 'kmd_pipeline_lock'
const LOCK_NOT_AVAILABLE = '55P03'

/**
 * Takes the pipeline lock `name` until the end of the transaction `trx`, waiting at most
 * `timeoutMs` for a session that holds it, then failing with a PipelineLockTimeoutError that
 * names the holder's pid.
 *
 * The lock is a row of `pipeline_locks` locked FOR UPDATE, not an advisory lock: any login may
 * take any advisory key, so a read-only login could stall promotion; locking a row needs UPDATE
 * on the table, which market_reader does not have. `lock_timeout` bounds the wait and is put
 * back afterwards, so the rest of the transaction waits on other locks as before.
 */
export async function acquirePipelineLock(trx: Kysely<any>, name: string, options: PipelineLockOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? pipelineLockTimeoutMs()
  // 0 would mean "wait forever" to PostgreSQL.
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError(`timeoutMs must be a whole number of milliseconds >= 1 (got ${timeoutMs})`)
  const previous = await sql<{ lock_timeout: string }>`select current_setting('lock_timeout') as lock_timeout`.execute(trx)
  await sql`savepoint ${sql.raw(SAVEPOINT)}`.execute(trx)
  try {
    await sql`select set_config('lock_timeout', ${`${timeoutMs}ms`}, true)`.execute(trx)
    // The first use of a name creates its row; a concurrent first use waits for that insert.
    await sql`insert into pipeline_locks (name) values (${name}) on conflict (name) do nothing`.execute(trx)
    await sql`select name from pipeline_locks where name = ${name} for update`.execute(trx)
  } catch (error) {
    if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error
    await sql`rollback to savepoint ${sql.raw(SAVEPOINT)}`.execute(trx)
    const pid = await lockHolder(trx, name)
    const seconds = timeoutMs / 1000
    throw new PipelineLockTimeoutError(
      `${options.purpose ?? `work under pipeline lock "${name}"`} is blocked by another session holding pipeline lock "${name}" ` +
        `(pid ${pid ?? 'unknown'}) for more than ${seconds}s; ` +
        `wait for it to finish, or look it up with: select * from pg_stat_activity where pid = ${pid ?? '<pid>'}`,
      name,
      pid,
    )
  }
  await sql`select set_config('lock_timeout', ${previous.rows[0]?.lock_timeout ?? '0'}, true)`.execute(trx)
  await sql`release savepoint ${sql.raw(SAVEPOINT)}`.execute(trx)
}

/**
 * The session whose transaction holds the row: a row lock leaves the locker's transaction id in
 * the row's xmax, and that transaction's id lock names its backend. When the row is not visible
 * yet (its first insert is still uncommitted), any other session writing to the table.
 */
async function lockHolder(trx: Kysely<any>, name: string): Promise<number | undefined> {
  const byRow = await sql<{ pid: number }>`
    select l.pid
    from pipeline_locks p
    join pg_locks l on l.locktype = 'transactionid' and l.transactionid = p.xmax and l.mode = 'ExclusiveLock' and l.granted
    where p.name = ${name} and l.pid <> pg_backend_pid()`.execute(trx)
  if (byRow.rows[0]) return byRow.rows[0].pid
  const byTable = await sql<{ pid: number }>`
    select distinct pid from pg_locks
    where relation = 'pipeline_locks'::regclass and pid <> pg_backend_pid() and granted
      and mode in ('RowShareLock', 'RowExclusiveLock')`.execute(trx)
  return byTable.rows.length === 1 ? byTable.rows[0]!.pid : undefined
}
