import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import { InvalidArgumentError, type Command } from 'commander'
import { sql, type Kysely } from 'kysely'
import { loadConfig } from '@kmd/core'
import type { Database } from '@kmd/db'
import { withDatabase } from '../context.ts'

const READER_ROLE = 'market_reader'

export interface ReaderLogin {
  user: string
  password: string
  /** A PostgreSQL duration, e.g. `30s`. */
  statementTimeout: string
}

/** The command refuses; the message says why and what to do. */
export class GrantReaderRefusedError extends Error {
  override readonly name = 'GrantReaderRefusedError'
}

export function registerGrantReader(program: Command): void {
  program
    .command('grant-reader')
    .description(`create a login for a downstream project: member of ${READER_ROLE} (read-only), with a statement timeout`)
    .requiredOption('--user <name>', 'login name: lower-case letters, digits and _, starting with a letter or _, at most 63 characters', parseRoleName)
    .option('--password-stdin', 'read the password from standard input (default: generate one and print it once)')
    .option('--statement-timeout <duration>', 'longest statement the login may run, e.g. 500ms, 30s, 5min, 1h', parseStatementTimeout, '30s')
    .action(async (options: { user: string; passwordStdin?: boolean; statementTimeout: string }) => {
      // Checked before anything is opened: the embedded folder must not be created for nothing.
      if (!loadConfig(process.env).databaseUrl) {
        throw new GrantReaderRefusedError(
          'grant-reader needs a PostgreSQL server (set DATABASE_URL): the embedded database (PGlite) runs inside this process and accepts no logins, so there is nobody to grant read access to.',
        )
      }
      const password = options.passwordStdin ? validatePassword(await readStdin()) : generatePassword()
      const { location, access } = await withDatabase(async ({ database }) => ({
        access: await createReaderLogin(database.db, { user: options.user, password, statementTimeout: options.statementTimeout }),
        location: database.location,
      }))
      console.log(`created login "${options.user}" on ${location}: member of ${READER_ROLE}, statement_timeout ${options.statementTimeout}, read-only transactions`)
      console.log(describeConnectAccess(options.user, access))
      if (!options.passwordStdin) console.log(`password (shown once; store it now): ${password}`)
      console.log('readers connect through pgbouncer (port 6432), see docs/downstream.md')
    })
}

/** Who may connect to the market database after grant-reader. */
export interface ConnectAccess {
  database: string
  /** PUBLIC's CONNECT was revoked by this call (the first grant-reader on this database). */
  revokedFromPublic: boolean
  /** Logins of market_reader made before that keep CONNECT here (they had it through PUBLIC). */
  keptLogins: string[]
}

/**
 * Creates a LOGIN role in the read-only group, in one transaction, and confines it to this
 * database. The password reaches the server only as a SCRAM-SHA-256 verifier, so it appears in
 * no statement log; the name is validated and quoted as an identifier, the verifier and timeout
 * passed as validated literals (utility statements take no bind parameters).
 *
 * Roles belong to the whole server and every database lets PUBLIC connect by default, so a
 * login could otherwise open every database there. CONNECT on this database is therefore
 * taken from PUBLIC and given to each reader login (and market_writer) one by one: a login made
 * here cannot connect to another market database, and one reader login serves one database.
 */
export async function createReaderLogin(db: Kysely<Database>, login: ReaderLogin): Promise<ConnectAccess> {
  const user = parseRoleName(login.user)
  const timeout = parseStatementTimeout(login.statementTimeout)
  const verifier = scramSha256Verifier(validatePassword(login.password))
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ rolname: string }>`select rolname from pg_roles where rolname in (${user}, ${READER_ROLE})`.execute(trx)
    if (!rows.some((r) => r.rolname === READER_ROLE)) throw new GrantReaderRefusedError(`role ${READER_ROLE} does not exist: run \`pnpm etl migrate\` first`)
    if (rows.some((r) => r.rolname === user)) throw new GrantReaderRefusedError(`role "${user}" already exists; pick another name, or change its password with ALTER ROLE`)
    await sql`create role ${sql.id(user)} login password ${sql.lit(verifier)} in role ${sql.id(READER_ROLE)}`.execute(trx)
    await sql`alter role ${sql.id(user)} set statement_timeout = ${sql.lit(timeout)}`.execute(trx)
    // A second guard beside the grants: even a table granted by mistake cannot be written.
    await sql`alter role ${sql.id(user)} set default_transaction_read_only = on`.execute(trx)
    return confineConnect(trx, user)
  })
}

async function confineConnect(trx: Kysely<Database>, user: string): Promise<ConnectAccess> {
  const { rows } = await sql<{ database: string; public_connect: boolean }>`
    select current_database() as database, has_database_privilege('public', current_database(), 'CONNECT') as public_connect`.execute(trx)
  const { database, public_connect: publicConnect } = rows[0]!
  const target = sql.id(database)
  let keptLogins: string[] = []
  if (publicConnect) {
    // Earlier reader logins connected through PUBLIC; they keep that here, by name.
    const earlier = await sql<{ rolname: string }>`
      select r.rolname from pg_auth_members m
      join pg_roles r on r.oid = m.member
      join pg_roles g on g.oid = m.roleid
      where g.rolname = ${READER_ROLE} and r.rolcanlogin and r.rolname <> ${user}
      order by r.rolname`.execute(trx)
    keptLogins = earlier.rows.map((row) => row.rolname)
    for (const name of keptLogins) await sql`grant connect on database ${target} to ${sql.id(name)}`.execute(trx)
    await sql`revoke connect on database ${target} from public`.execute(trx)
  }
  await sql`grant connect on database ${target} to market_writer`.execute(trx)
  await sql`grant connect on database ${target} to ${sql.id(user)}`.execute(trx)
  return { database, revokedFromPublic: publicConnect, keptLogins }
}

export function describeConnectAccess(user: string, access: ConnectAccess): string {
  const lines = [
    `"${user}" is granted CONNECT on database "${access.database}" only; a database that still lets PUBLIC connect (PostgreSQL's default, e.g. "postgres") admits every login, so revoke that where it matters`,
  ]
  if (access.revokedFromPublic) {
    lines.push(
      `CONNECT on "${access.database}" was taken from PUBLIC: only its owner, superusers, market_writer and reader logins may connect now` +
        (access.keptLogins.length > 0 ? `; earlier reader logins kept theirs: ${access.keptLogins.join(', ')}` : ''),
    )
  }
  return lines.join('\n')
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Lower-case unquoted-identifier rules, so the name means the same quoted or not; `pg_` is reserved. */
export function parseRoleName(value: string): string {
  if (!ROLE_NAME.test(value)) throw new InvalidArgumentError(`"${value}" is not a valid login name: use lower-case letters, digits and _, starting with a letter or _, at most 63 characters`)
  if (value.startsWith('pg_')) throw new InvalidArgumentError('names starting with pg_ are reserved by PostgreSQL')
  return value
}

export function parseStatementTimeout(value: string): string {
  const match = /^(\d{1,9})\s*(ms|s|min|h)$/.exec(value.trim())
  if (!match || Number(match[1]) === 0) throw new InvalidArgumentError(`expected a duration like 500ms, 30s, 5min or 1h, got "${value}"`)
  return `${match[1]}${match[2]}`
}

// Printable ASCII only: clients differ in how they normalise other characters for SCRAM.
export function validatePassword(password: string): string {
  if (password.length < 12 || password.length > 1024) throw new GrantReaderRefusedError('the password must be 12 to 1024 characters long')
  if (!/^[\x21-\x7e]+$/.test(password)) throw new GrantReaderRefusedError('the password may hold printable ASCII characters only (no spaces)')
  return password
}

export function generatePassword(): string {
  return randomBytes(24).toString('base64url')
}

/** The verifier PostgreSQL stores for SCRAM-SHA-256 (RFC 5802/7677), computed here so the server never sees the password. */
export function scramSha256Verifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256')
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  const storedKey = createHash('sha256').update(clientKey).digest()
  const serverKey = createHmac('sha256', salted).update('Server Key').digest()
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}
