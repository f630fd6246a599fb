import { describe, expect, test } from 'vitest'
import { planTimescale, preloads, timescaleMode, type Capabilities } from '../src/index.ts'

const server = (readings: Partial<Capabilities>): Capabilities => ({
  postgresMajor: 17,
  embedded: false,
  serverAddress: '10.0.0.1:5432',
  timescaledbAvailable: false,
  timescaledbPreloaded: false,
  timescaledbInstalled: false,
  timescaledbVersion: undefined,
  ...readings,
})

const offeredNotPreloaded = server({ timescaledbAvailable: true })
const preloaded = server({ timescaledbAvailable: true, timescaledbPreloaded: true })
const installed = server({ timescaledbAvailable: true, timescaledbPreloaded: true, timescaledbInstalled: true, timescaledbVersion: '2.23.0' })
const embedded = server({ embedded: true, serverAddress: undefined, timescaledbAvailable: true })

describe('planTimescale', () => {
  test('a server that offers TimescaleDB but does not preload it: migrate stops and says how to fix it', () => {
    const plan = planTimescale(offeredNotPreloaded, 'auto', false)
    expect(plan.action).toBe('refuse')
    if (plan.action !== 'refuse') return
    expect(plan.error.message).toBe(
      "TimescaleDB is available on the server at 10.0.0.1:5432 but not preloaded: add timescaledb to shared_preload_libraries in postgresql.conf " +
        "(shared_preload_libraries = 'timescaledb', keeping any libraries already listed) and restart PostgreSQL, " +
        'or set TIMESCALEDB=off to migrate to plain tables (aggregates included).',
    )
    expect(planTimescale(offeredNotPreloaded, 'on', false).action).toBe('refuse')
  })

  test('TIMESCALEDB=off falls back to plain tables on a new database, whatever the server offers', () => {
    for (const readings of [offeredNotPreloaded, preloaded, embedded, server({})]) {
      expect(planTimescale(readings, 'off', false)).toEqual({ action: 'plain', reason: 'TIMESCALEDB=off' })
    }
  })

  test('installs it where the server preloads it, and on the embedded engine, which needs no preloading', () => {
    expect(planTimescale(preloaded, 'auto', false)).toEqual({ action: 'install' })
    expect(planTimescale(embedded, 'auto', false)).toEqual({ action: 'install' })
    expect(planTimescale(installed, 'auto', true)).toEqual({ action: 'use' })
    expect(planTimescale({ ...installed, embedded: true, timescaledbPreloaded: false }, 'on', true)).toEqual({ action: 'use' })
  })

  test('an installed extension the server no longer preloads is refused (every hypertable write would fail)', () => {
    const plan = planTimescale({ ...installed, timescaledbPreloaded: false }, 'auto', true)
    expect(plan.action === 'refuse' && plan.error.message).toMatch(/^TimescaleDB is installed in this database on the server at 10\.0\.0\.1:5432 but not preloaded: add timescaledb to shared_preload_libraries .* and restart PostgreSQL\.$/)
  })

  test('TIMESCALEDB=off on a database that already has hypertables is refused, not half-applied', () => {
    const plan = planTimescale(installed, 'off', true)
    expect(plan.action === 'refuse' && plan.error.message).toMatch(/TIMESCALEDB=off, but this database already uses TimescaleDB 2\.23\.0/)
  })

  test('a server without TimescaleDB gives plain tables, unless TIMESCALEDB=on insists', () => {
    expect(planTimescale(server({}), 'auto', false)).toEqual({ action: 'plain', reason: 'the server at 10.0.0.1:5432 does not offer TimescaleDB' })
    const plan = planTimescale(server({}), 'on', false)
    expect(plan.action === 'refuse' && plan.error.message).toMatch(/TIMESCALEDB=on, but the server at 10\.0\.0\.1:5432 does not offer the timescaledb extension/)
  })

  test('a schema created without TimescaleDB stays plain when the server gains it', () => {
    expect(planTimescale(preloaded, 'auto', true)).toEqual({ action: 'plain', reason: 'the schema was created without TimescaleDB and stays that way' })
    expect(planTimescale(offeredNotPreloaded, 'auto', true).action).toBe('plain')
    expect(planTimescale(preloaded, 'on', true).action).toBe('refuse')
  })
})

describe('readings and settings', () => {
  test('shared_preload_libraries is read the way PostgreSQL lists it', () => {
    expect(preloads('timescaledb', 'timescaledb')).toBe(true)
    expect(preloads('pg_stat_statements, timescaledb', 'timescaledb')).toBe(true)
    expect(preloads('"$libdir/timescaledb-2.23.0.so"', 'timescaledb')).toBe(true)
    expect(preloads('', 'timescaledb')).toBe(false)
    expect(preloads('pg_stat_statements,timescaledb_toolkit', 'timescaledb')).toBe(false)
  })

  test('TIMESCALEDB is auto, on or off', () => {
    expect(timescaleMode({})).toBe('auto')
    expect(timescaleMode({ TIMESCALEDB: 'OFF' })).toBe('off')
    expect(() => timescaleMode({ TIMESCALEDB: 'no' })).toThrow(/TIMESCALEDB: must be auto, on or off/)
  })
})
