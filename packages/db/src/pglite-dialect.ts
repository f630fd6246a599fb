import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'

/** The few PGlite methods this dialect calls (PGlite 0.3). */
export interface PGliteLike {
  query<T>(query: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[]; affectedRows?: number }>
  exec(query: string): Promise<Array<{ rows: unknown[]; affectedRows?: number }>>
  isInTransaction(): boolean
  close(): Promise<void>
}

/**
 * Kysely over PGlite's single session.
 *
 * - Callers queue for the one connection, so a transaction never interleaves with another
 *   caller's statements.
 * - A parameterless statement goes through `exec` (the simple protocol), as node-postgres
 *   does, so multi-statement scripts behave the same on both backends.
 * - If a statement fails while an explicit transaction is open but Kysely does not manage it,
 *   the session would stay aborted for every later caller: roll it back, then rethrow.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGliteLike) {}

  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db)
  }
}

class PGliteConnection implements DatabaseConnection {
  /** True between Kysely's begin and commit/rollback: Kysely will roll back itself. */
  managedTransaction = false

  constructor(readonly pglite: PGliteLike) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      if (compiled.parameters.length === 0) {
        const results = await this.pglite.exec(compiled.sql)
        const last = results[results.length - 1]
        return toQueryResult<R>((last?.rows ?? []) as R[], last?.affectedRows)
      }
      const result = await this.pglite.query<R>(compiled.sql, [...compiled.parameters])
      return toQueryResult(result.rows, result.affectedRows)
    } catch (error) {
      if (!this.managedTransaction && this.pglite.isInTransaction()) await this.pglite.exec('rollback')
      throw error
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled)
    for (let start = 0; start < rows.length; start += chunkSize) yield { rows: rows.slice(start, start + chunkSize) }
  }
}

function toQueryResult<R>(rows: R[], affectedRows: number | undefined): QueryResult<R> {
  return affectedRows === undefined ? { rows } : { rows, numAffectedRows: BigInt(affectedRows) }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection
  private holder: Promise<void> = Promise.resolve()
  private release: (() => void) | undefined

  constructor(pglite: PGliteLike) {
    this.connection = new PGliteConnection(pglite)
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.holder
    let release!: () => void
    this.holder = new Promise<void>((resolve) => (release = resolve))
    await previous
    this.release = release
    return this.connection
  }

  async releaseConnection(): Promise<void> {
    const release = this.release
    this.release = undefined
    release?.()
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    await connection.executeQuery(CompiledQuery.raw(`start transaction${level}`))
    this.connection.managedTransaction = true
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.connection.managedTransaction = false
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.connection.managedTransaction = false
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`))
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`))
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`))
  }

  async destroy(): Promise<void> {
    await this.connection.pglite.close()
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
