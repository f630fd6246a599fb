import { sql, type Kysely } from 'kysely'
import type { Database } from '@kmd/db'

/**
 * What a production column can hold, read from the database's own catalog: the migrations are
 * the one definition of the schema, so no rule keeps a hand-written copy of a precision.
 */
export interface ColumnLimit {
  column: string
  /** `numeric(16,2)`, `bigint`, `integer`, `character varying(6)` as format_type prints it. */
  type: string
  kind: 'numeric' | 'integer' | 'text'
  /** numeric(p, s): |value| rounded to `scale` decimals must stay below 10^(precision − scale). */
  precision: number | null
  scale: number | null
  /** Integer types: the inclusive range. */
  min: string | null
  max: string | null
  /** character varying(n) / character(n). */
  maxLength: number | null
  /** The staging column's type, to skip limits staging already enforces (bigint into bigint). */
  stagingType: string
}

const INTEGER_RANGES: Record<string, readonly [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
}

// The catalog never changes while a process runs (migrations run before it starts), so one
// query per production table per process.
const cache = new Map<string, Promise<ColumnLimit[]>>()

/**
 * The limits of the columns a staging table shares (by name) with its production table, only
 * where production is narrower than staging: numeric(p,s) and integer types fed from unbounded
 * numeric, integer types narrower than bigint, bounded character types fed from text.
 */
export function productionColumnLimits(db: Kysely<Database>, stagingTable: string, productionTable: string): Promise<ColumnLimit[]> {
  const key = `${stagingTable}->${productionTable}`
  let limits = cache.get(key)
  if (!limits) {
    limits = readLimits(db, stagingTable, productionTable)
    cache.set(key, limits)
    limits.catch(() => cache.delete(key))
  }
  return limits
}

async function readLimits(db: Kysely<Database>, stagingTable: string, productionTable: string): Promise<ColumnLimit[]> {
  const { rows } = await sql<{ column: string; type: string; base: string; typmod: number; staging_type: string }>`
    select p.attname as column, format_type(p.atttypid, p.atttypmod) as type, format_type(p.atttypid, null) as base,
           p.atttypmod as typmod, format_type(s.atttypid, s.atttypmod) as staging_type
    from pg_attribute p
    join pg_attribute s on s.attrelid = to_regclass(${stagingTable}) and s.attname = p.attname and s.attnum > 0 and not s.attisdropped
    where p.attrelid = to_regclass(${productionTable}) and p.attnum > 0 and not p.attisdropped
    order by p.attnum`.execute(db)
  const limits: ColumnLimit[] = []
  for (const row of rows) {
    const base = { column: row.column, type: row.type, stagingType: row.staging_type, precision: null, scale: null, min: null, max: null, maxLength: null }
    if (row.base === 'numeric') {
      // numeric typmod: ((precision << 16) | scale) + 4; -1 when unconstrained.
      if (row.typmod < 0) continue
      const packed = row.typmod - 4
      limits.push({ ...base, kind: 'numeric', precision: (packed >> 16) & 0xffff, scale: packed & 0xffff })
    } else if (row.base in INTEGER_RANGES) {
      if (row.staging_type === row.base || (row.staging_type in INTEGER_RANGES && widthOf(row.staging_type) <= widthOf(row.base))) continue
      const [min, max] = INTEGER_RANGES[row.base]!
      limits.push({ ...base, kind: 'integer', min, max })
    } else if ((row.base === 'character varying' || row.base === 'character') && row.typmod > 4) {
      // character typmod: length + 4.
      limits.push({ ...base, kind: 'text', maxLength: row.typmod - 4 })
    }
  }
  return limits
}

const widthOf = (type: string) => Object.keys(INTEGER_RANGES).indexOf(type)
