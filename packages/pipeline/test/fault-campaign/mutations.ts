import { createRequire } from 'node:module'
import fc from 'fast-check'
import type { ServedAnswer } from './payload-server.ts'
import type { KrxRow, RecordedDay } from './recorded-day.ts'

/**
 * Corrupted versions of the recorded MDCSTAT01501 answer, each saying what it did to which
 * stocks, so the campaign knows which rows an honest pipeline must still promote.
 */
export interface Payload {
  /** Mutation kind, e.g. `field:negative`, `duplicate:conflicting`, `answer:truncated`. */
  kind: string
  /** What exactly changed, small enough to replay by hand. */
  description: string
  answer: ServedAnswer
  /** Stocks whose recorded row was changed, removed or lost with the whole answer: no promise is made about them. */
  touched: ReadonlySet<string>
  /** Untouched stocks another row of the answer claims the key of: held back legitimately, with the reason. */
  keyConflicts: ReadonlyMap<string, string>
}

const JSON_TYPE = 'text/html; charset=utf-8' // what KRX sends for its JSON
const FIELDS = [
  'ISU_SRT_CD', 'ISU_CD', 'ISU_ABBRV', 'MKT_NM', 'SECT_TP_NM', 'TDD_CLSPRC', 'FLUC_TP_CD', 'CMPPREVDD_PRC', 'FLUC_RT',
  'TDD_OPNPRC', 'TDD_HGPRC', 'TDD_LWPRC', 'ACC_TRDVOL', 'ACC_TRDVAL', 'MKTCAP', 'LIST_SHRS', 'MKT_ID',
] as const
export type Field = (typeof FIELDS)[number]

const number = (text: unknown): number => Number(String(text).replace(/,/g, ''))
const grouped = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 6 })

/** How one cell is corrupted: a name and a function of the recorded text (undefined deletes the field). */
const CELL_CHANGES: Record<string, (value: string, at: number) => unknown> = {
  huge: () => '9,999,999,999,999,999,999',
  zero: () => '0',
  negative: (value) => (value.startsWith('-') ? value.slice(1) : `-${value}`),
  decimal: (value) => `${value}.5`,
  x1000: (value) => (Number.isFinite(number(value)) ? grouped(number(value) * 1000) : `${value}000`),
  div1000: (value) => (Number.isFinite(number(value)) ? grouped(Math.round(number(value) / 1000)) : value.slice(0, -3)),
  plusOne: (value) => (Number.isFinite(number(value)) ? grouped(number(value) + 1) : `${value}1`),
  null: () => null,
  jsonNumber: (value) => (Number.isFinite(number(value)) ? number(value) : 0),
  boolean: () => true,
  object: (value) => ({ value }),
  array: (value) => [value],
  missing: () => undefined,
  empty: () => '',
  dash: () => '-',
  spaces: (value) => ` ${value} `,
  nul: (value, at) => `${value.slice(0, at % (value.length + 1))}\u0000${value.slice(at % (value.length + 1))}`,
  loneSurrogate: (value, at) => `${value.slice(0, at % (value.length + 1))}\ud800${value.slice(at % (value.length + 1))}`,
  replacementChar: (value) => `${value}\ufffd`,
  fullwidthDigits: (value) => value.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
  exponent: (value) => (Number.isFinite(number(value)) ? number(value).toExponential() : '1e3'),
  nan: () => 'NaN',
  infinity: () => 'Infinity',
  letterO: (value) => value.replace(/0/, 'O'),
  tooLong: (value) => value.repeat(40),
}
export const CELL_CHANGE_NAMES = Object.keys(CELL_CHANGES)
const CELL_CHANGE_GROUPS: Record<string, string[]> = {
  outOfRange: ['huge', 'zero', 'plusOne'],
  units: ['x1000', 'div1000'],
  sign: ['negative'],
  decimals: ['decimal', 'exponent'],
  nullOrMissing: ['null', 'missing', 'empty', 'dash'],
  wrongType: ['jsonNumber', 'boolean', 'object', 'array'],
  text: ['spaces', 'letterO', 'fullwidthDigits', 'nan', 'infinity', 'tooLong'],
  nul: ['nul'],
  unicode: ['loneSurrogate', 'replacementChar'],
}
// Groups that only make sense on numbers; the others hit any field, codes and names included.
const NUMERIC_GROUPS = new Set(['outOfRange', 'units', 'sign', 'decimals'])

const body = (document: unknown): Buffer => Buffer.from(JSON.stringify(document), 'utf8')
const jsonAnswer = (document: unknown): ServedAnswer => ({ status: 200, contentType: JSON_TYPE, body: body(document) })
const answerOf = (day: RecordedDay, rows: KrxRow[]): ServedAnswer => jsonAnswer({ OutBlock_1: rows, CURRENT_DATETIME: day.currentDatetime })
const codeOf = (row: Readonly<KrxRow>) => String(row.ISU_SRT_CD)
const copyRows = (day: RecordedDay): KrxRow[] => day.rows.map((row) => ({ ...row }))
const allCodes = (day: RecordedDay) => new Set(day.rows.map(codeOf))
const show = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value))

/** Codes of six digits that no stock of the day has, all different. */
function unknownCodes(day: RecordedDay, seed: number, count: number): string[] {
  const known = allCodes(day)
  const codes: string[] = []
  for (let n = seed; codes.length < count; n++) {
    const code = String(900_000 + (n % 99_999)).padStart(6, '0')
    if (!known.has(code) && !codes.includes(code)) codes.push(code)
  }
  return codes
}

function cellChange(day: RecordedDay, kind: string, rowIndexes: number[], field: Field, change: string, at: number): Payload {
  const rows = copyRows(day)
  const touched = new Set<string>()
  const notes: string[] = []
  for (const index of rowIndexes) {
    const row = rows[index]!
    const before = row[field]
    const after = CELL_CHANGES[change]!(String(before), at)
    if (after === undefined) delete row[field]
    else row[field] = after
    touched.add(codeOf(day.rows[index]!))
    notes.push(`${codeOf(day.rows[index]!)} ${field} ${show(before)} -> ${show(after)}`)
  }
  return { kind, description: notes.join('; '), answer: answerOf(day, rows), touched, keyConflicts: new Map() }
}

const rowIndexes = (day: RecordedDay, max = 3) => fc.uniqueArray(fc.integer({ min: 0, max: day.rows.length - 1 }), { minLength: 1, maxLength: max })
const field = fc.constantFrom(...FIELDS)
const priceField = fc.constantFrom<Field>('TDD_CLSPRC', 'TDD_OPNPRC', 'TDD_HGPRC', 'TDD_LWPRC', 'ACC_TRDVOL', 'ACC_TRDVAL', 'CMPPREVDD_PRC', 'FLUC_RT', 'MKTCAP', 'LIST_SHRS')

/** One arbitrary per mutation kind; the campaign cycles through them so a short run covers every kind. */
export function mutationKinds(day: RecordedDay): Array<{ kind: string; arbitrary: fc.Arbitrary<Payload> }> {
  const kinds: Array<{ kind: string; arbitrary: fc.Arbitrary<Payload> }> = []
  const add = (kind: string, arbitrary: fc.Arbitrary<Payload>) => kinds.push({ kind, arbitrary })

  // Every cell change on any field, grouped so a short campaign meets each group once per cycle.
  for (const [group, changes] of Object.entries(CELL_CHANGE_GROUPS)) {
    const fields = NUMERIC_GROUPS.has(group) ? priceField : field
    add(`field:${group}`, fc.tuple(rowIndexes(day), fields, fc.constantFrom(...changes), fc.nat(20)).map(([indexes, name, change, at]) => cellChange(day, `field:${change}`, indexes, name, change, at)))
  }

  // The whole answer in thousands (money=2 / share=2 answered by mistake): every row changed.
  add('answer:unitsX1000', fc.constantFrom<Field[]>(['ACC_TRDVAL', 'MKTCAP'], ['ACC_TRDVOL', 'LIST_SHRS'], ['TDD_CLSPRC', 'TDD_OPNPRC', 'TDD_HGPRC', 'TDD_LWPRC', 'CMPPREVDD_PRC']).map((fields) => {
    const rows = copyRows(day).map((row) => {
      for (const name of fields) row[name] = grouped(Math.round(number(row[name]) / 1000))
      return row
    })
    return { kind: 'answer:unitsX1000', description: `every row's ${fields.join(', ')} divided by 1,000`, answer: answerOf(day, rows), touched: allCodes(day), keyConflicts: new Map() }
  }))

  add('code:unknown', fc.tuple(rowIndexes(day), fc.nat(1000)).map(([indexes, seed]) => {
    const rows = copyRows(day)
    const codes = unknownCodes(day, seed, indexes.length)
    const notes = indexes.map((index, i) => {
      const code = codes[i]!
      rows[index]!.ISU_SRT_CD = code
      return `${codeOf(day.rows[index]!)} sent as unknown code ${code}`
    })
    return { kind: 'code:unknown', description: notes.join('; '), answer: answerOf(day, rows), touched: new Set(indexes.map((index) => codeOf(day.rows[index]!))), keyConflicts: new Map() }
  }))

  add('code:anotherStock', fc.tuple(fc.integer({ min: 0, max: day.rows.length - 1 }), fc.integer({ min: 0, max: day.rows.length - 1 })).filter(([a, b]) => a !== b).map(([from, to]) => {
    const rows = copyRows(day)
    const victim = codeOf(day.rows[to]!)
    rows[from]!.ISU_SRT_CD = victim
    return {
      kind: 'code:anotherStock',
      description: `${codeOf(day.rows[from]!)}'s row sent under ${victim}'s code`,
      answer: answerOf(day, rows),
      touched: new Set([codeOf(day.rows[from]!)]),
      keyConflicts: new Map([[victim, `another row (${codeOf(day.rows[from]!)}'s prices) claims ${victim}`]]),
    }
  }))

  add('rows:extraUnknown', fc.tuple(rowIndexes(day, 5), fc.nat(1000)).map(([indexes, seed]) => {
    const rows = copyRows(day)
    const codes = unknownCodes(day, seed, indexes.length)
    const notes = indexes.map((index, i) => {
      const code = codes[i]!
      rows.push({ ...day.rows[index]!, ISU_SRT_CD: code, ISU_CD: `KR7${code}00${i % 10}` })
      return `extra row ${code} (copy of ${codeOf(day.rows[index]!)})`
    })
    return { kind: 'rows:extraUnknown', description: notes.join('; '), answer: answerOf(day, rows), touched: new Set<string>(), keyConflicts: new Map() }
  }))

  add('rows:duplicateIdentical', fc.tuple(rowIndexes(day), fc.boolean()).map(([indexes, atEnd]) => {
    const rows = copyRows(day)
    for (const index of indexes) atEnd ? rows.push({ ...day.rows[index]! }) : rows.splice(index + 1, 0, { ...day.rows[index]! })
    const codes = indexes.map((index) => codeOf(day.rows[index]!))
    return {
      kind: 'rows:duplicateIdentical',
      description: `identical second row for ${codes.join(', ')} (${atEnd ? 'at the end' : 'right after'})`,
      answer: answerOf(day, rows),
      touched: new Set<string>(),
      keyConflicts: new Map(codes.map((code) => [code, 'sent twice, identical'])),
    }
  }))

  add('rows:duplicateConflicting', fc.tuple(rowIndexes(day), priceField, fc.constantFrom('plusOne', 'x1000', 'negative', 'zero'), fc.boolean()).map(([indexes, name, change, first]) => {
    const rows = copyRows(day)
    const conflicts = new Map<string, string>()
    for (const index of indexes) {
      const copy = { ...day.rows[index]!, [name]: CELL_CHANGES[change]!(String(day.rows[index]![name]), 0) }
      // The conflicting copy comes before or after the recorded row.
      first ? rows.push(copy) : rows.unshift(copy)
      conflicts.set(codeOf(day.rows[index]!), `sent twice, ${name} ${show(day.rows[index]![name])} vs ${show(copy[name])}`)
    }
    return {
      kind: 'rows:duplicateConflicting',
      description: [...conflicts].map(([code, why]) => `${code} ${why}`).join('; '),
      answer: answerOf(day, rows),
      touched: new Set<string>(),
      keyConflicts: conflicts,
    }
  }))

  add('rows:missing', rowIndexes(day, 40).map((indexes) => {
    const dropped = new Set(indexes)
    const rows = copyRows(day).filter((_, index) => !dropped.has(index))
    const codes = indexes.map((index) => codeOf(day.rows[index]!))
    return { kind: 'rows:missing', description: `${codes.length} stocks left out: ${codes.slice(0, 5).join(', ')}${codes.length > 5 ? ', …' : ''}`, answer: answerOf(day, rows), touched: new Set(codes), keyConflicts: new Map() }
  }))

  add('rows:shuffled', fc.nat().map((seed) => {
    const rows = copyRows(day)
    let state = seed || 1
    for (let i = rows.length - 1; i > 0; i--) {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31
      const j = state % (i + 1)
      ;[rows[i], rows[j]] = [rows[j]!, rows[i]!]
    }
    return { kind: 'rows:shuffled', description: `the recorded rows in another order (seed ${seed})`, answer: answerOf(day, rows), touched: new Set<string>(), keyConflicts: new Map() }
  }))

  add('answer:short', fc.integer({ min: 1, max: day.rows.length - 1 }).map((kept) => {
    const rows = copyRows(day).slice(0, kept)
    const keptCodes = new Set(rows.map(codeOf))
    return {
      kind: 'answer:short',
      description: `only the first ${kept} of ${day.rows.length} rows`,
      answer: answerOf(day, rows),
      touched: new Set(day.rows.map(codeOf).filter((code) => !keptCodes.has(code))),
      keyConflicts: new Map(),
    }
  }))

  add('answer:empty', fc.constant(null).map(() => ({ kind: 'answer:empty', description: 'OutBlock_1: [] on a trading day', answer: answerOf(day, []), touched: allCodes(day), keyConflicts: new Map() })))

  const whole = (kind: string, description: string, answer: ServedAnswer): Payload => ({ kind, description, answer, touched: allCodes(day), keyConflicts: new Map() })
  const recordedBody = () => answerOf(day, copyRows(day)).body

  add('answer:truncated', fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).map((share) => {
    const full = recordedBody()
    const at = Math.floor(full.length * share)
    return whole('answer:truncated', `body cut after ${at} of ${full.length} bytes`, { status: 200, contentType: JSON_TYPE, body: full.subarray(0, at) })
  }))

  add('answer:nulBytes', fc.uniqueArray(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 3 }).map((shares) => {
    const full = recordedBody()
    const cuts = shares.map((share) => Math.floor(full.length * share)).sort((a, b) => a - b)
    const parts: Buffer[] = []
    let from = 0
    for (const cut of cuts) {
      parts.push(full.subarray(from, cut), Buffer.from([0]))
      from = cut
    }
    parts.push(full.subarray(from))
    return whole('answer:nulBytes', `raw NUL bytes at offsets ${cuts.join(', ')}`, { status: 200, contentType: JSON_TYPE, body: Buffer.concat(parts) })
  }))

  add('rows:invalidUtf8', fc.tuple(rowIndexes(day), field).map(([indexes, name]) => {
    const rows = copyRows(day)
    const marker = '@@INVALID_UTF8@@'
    for (const index of indexes) rows[index]![name] = `${String(rows[index]![name])}${marker}`
    const text = answerOf(day, rows).body.toString('utf8')
    const bytes = Buffer.concat(text.split(marker).flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from([0xff, 0xc3]), Buffer.from(part)])))
    const codes = indexes.map((index) => codeOf(day.rows[index]!))
    return { kind: 'rows:invalidUtf8', description: `bytes FF C3 (not UTF-8) appended to ${name} of ${codes.join(', ')}`, answer: { status: 200, contentType: JSON_TYPE, body: bytes }, touched: new Set(codes), keyConflicts: new Map() }
  }))

  add('answer:eucKr', fc.constant(null).map(() => ({
    kind: 'answer:eucKr',
    description: 'the recorded answer in EUC-KR, labelled charset=euc-kr',
    answer: { status: 200, contentType: 'text/html; charset=euc-kr', body: eucKr(recordedBody().toString('utf8')) },
    touched: new Set<string>(),
    keyConflicts: new Map(),
  })))
  add('answer:eucKrMislabelled', fc.constant(null).map(() =>
    whole('answer:eucKrMislabelled', 'the recorded answer in EUC-KR bytes, labelled charset=utf-8', { status: 200, contentType: JSON_TYPE, body: eucKr(recordedBody().toString('utf8')) }),
  ))
  add('answer:bom', fc.constant(null).map(() =>
    whole('answer:bom', 'the recorded answer after a UTF-8 byte-order mark', { status: 200, contentType: JSON_TYPE, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), recordedBody()]) }),
  ))
  add('answer:duplicateDataKey', fc.integer({ min: 1, max: day.rows.length - 1 }).map((split) => {
    const rows = copyRows(day)
    const text = `{"OutBlock_1":${JSON.stringify(rows.slice(0, split))},"OutBlock_1":${JSON.stringify(rows.slice(split))},"CURRENT_DATETIME":${JSON.stringify(day.currentDatetime)}}`
    return whole('answer:duplicateDataKey', `OutBlock_1 twice: rows 0..${split - 1}, then rows ${split}..${rows.length - 1}`, { status: 200, contentType: JSON_TYPE, body: Buffer.from(text) })
  }))
  add('answer:wrongDataKey', fc.constantFrom('output', 'block1', 'outBlock_1').map((key) =>
    whole('answer:wrongDataKey', `the rows under "${key}" instead of "OutBlock_1"`, jsonAnswer({ [key]: copyRows(day), CURRENT_DATETIME: day.currentDatetime })),
  ))
  add('answer:allClosesDash', fc.constant(null).map(() =>
    whole('answer:allClosesDash', 'every TDD_CLSPRC "-" (the closed-market marker) on a trading day', answerOf(day, copyRows(day).map((row) => ({ ...row, TDD_CLSPRC: '-' })))),
  ))
  add('answer:notAnObject', fc.constantFrom('null', '[]', '"OutBlock_1"', '{}', '').map((text) =>
    whole('answer:notAnObject', `body ${JSON.stringify(text)}`, { status: 200, contentType: JSON_TYPE, body: Buffer.from(text) }),
  ))
  add('answer:rowsNotObjects', fc.constantFrom<unknown>(null, 'row', 42, []).chain((junk) => rowIndexes(day).map((indexes) => {
    const rows: unknown[] = copyRows(day)
    for (const index of indexes) rows[index] = junk
    const codes = indexes.map((index) => codeOf(day.rows[index]!))
    return { kind: 'answer:rowsNotObjects', description: `rows of ${codes.join(', ')} replaced by ${JSON.stringify(junk)}`, answer: jsonAnswer({ OutBlock_1: rows, CURRENT_DATETIME: day.currentDatetime }), touched: new Set(codes), keyConflicts: new Map() }
  })))
  return kinds
}

/** The honest answer, as a payload that touches nothing (the control). */
export function honestPayload(day: RecordedDay, recordedBody: string): Payload {
  return { kind: 'honest', description: 'the recorded answer, unchanged', answer: { status: 200, contentType: JSON_TYPE, body: Buffer.from(recordedBody) }, touched: new Set(), keyConflicts: new Map() }
}

/** `count` payloads for a seed, cycling through the kinds so every kind comes up once per cycle. */
export function payloadsFor(day: RecordedDay, seed: number, count: number): Payload[] {
  const kinds = mutationKinds(day)
  return Array.from({ length: count }, (_, i) => {
    const { arbitrary } = kinds[i % kinds.length]!
    return fc.sample(arbitrary, { seed: seed + i, numRuns: 1 })[0]!
  })
}

// EUC-KR encoding: iconv-lite is a dependency of the simulator, which speaks Naver's EUC-KR pages.
let iconv: { encode(text: string, encoding: string): Buffer } | undefined
function eucKr(text: string): Buffer {
  iconv ??= createRequire(new URL('../../../source-simulator/package.json', import.meta.url))('iconv-lite') as typeof iconv
  return iconv!.encode(text, 'euc-kr')
}
