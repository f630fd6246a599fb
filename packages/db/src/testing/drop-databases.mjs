// Run by the test harness at process exit (which cannot wait for promises): drops the
// databases it still holds. Usage: node drop-databases.mjs <server url> <name>...
import pg from 'pg'

const [url, ...names] = process.argv.slice(2)
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
try {
  await client.connect()
  for (const name of names) {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`).catch(() => undefined)
  }
} catch {
  // nothing more to do: the next run's sweep drops what is left
} finally {
  await client.end().catch(() => undefined)
}
