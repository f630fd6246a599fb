import iconv from 'iconv-lite'
import { createRandom } from './krx/random.ts'
import { HTML, htmlResponse, type SimulatorResponse } from './http-io.ts'
import type { FaultKind } from './faults.ts'

/** What each fault does to an answer. */

// The page KRX shows during maintenance or overload, served with status 200 where JSON was expected.
const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html lang="ko">
<head><meta charset="utf-8"><title>KRX 정보데이터시스템</title></head>
<body>
<div class="error">
<h1>서비스 제공 불가능</h1>
<p>현재 서비스 이용자가 많아 일시적 접근 불안정 상태입니다. 잠시 후 다시 이용해 주시기 바랍니다.</p>
</div>
</body>
</html>
`

/** The answer that replaces the route's for faults that stop the request; undefined for the others. */
export function replacementAnswer(kind: FaultKind): SimulatorResponse | undefined {
  switch (kind) {
    case 'http500':
      return htmlResponse(500, '<html><body><h1>500 Internal Server Error</h1></body></html>')
    case 'http429':
      return htmlResponse(429, '<html><body><h1>429 Too Many Requests</h1></body></html>', { 'retry-after': '1' })
    case 'maintenancePage':
      return htmlResponse(200, MAINTENANCE_PAGE)
    case 'logout':
      return logoutAnswer()
    default:
      return undefined
  }
}

/** KRX's answer to a data request without a logged-in session. */
export function logoutAnswer(): SimulatorResponse {
  return { status: 400, headers: { 'content-type': HTML }, body: 'LOGOUT' }
}

/** Cuts the body in half, as a connection dropped mid-answer would. */
export function truncateBody<Body extends string | Buffer>(body: Body): Body {
  return body.slice(0, Math.floor(body.length / 2)) as Body
}

type Row = Record<string, unknown>

// Fields that look numeric but are identifiers or codes; corrupting them is not the point.
const NON_NUMERIC_FIELDS = new Set(['ISU_SRT_CD', 'ISU_CD', 'MKT_ID', 'FLUC_TP_CD', 'IDX_ID', 'TRD_DD'])
const NUMERIC_TEXT = /^-?[\d,]+(\.\d+)?$/

/**
 * Changes the rows of a JSON answer for a row fault. Rows are chosen by a generator seeded
 * with the request number, so a run is reproducible. Answers without a row array are left alone.
 */
export function corruptRows(
  kind: FaultKind,
  body: string | Buffer,
  seed: number,
  options: { field?: string | undefined } = {},
): { body: string | Buffer; affectedCodes: string[]; field?: string } {
  // Byte bodies are HTML pages (Naver), not JSON rows: only a NUL can go into them.
  if (typeof body !== 'string') return kind === 'nulInField' ? nulInPageCell(body, seed) : { body, affectedCodes: [] }
  let document: Record<string, unknown>
  try {
    document = JSON.parse(body) as Record<string, unknown>
  } catch {
    return { body, affectedCodes: [] }
  }
  const key = Object.keys(document).find((name) => Array.isArray(document[name]))
  if (key === undefined) return { body, affectedCodes: [] }
  const rows = document[key] as Row[]
  const random = createRandom(seed)
  const affected: Row[] = []
  let changed: Row[] = rows

  switch (kind) {
    case 'unparsableNumbers':
      for (const row of choose(rows.filter(hasNumericField), 0.02, random)) {
        const fields = Object.keys(row).filter((name) => isNumericField(row, name))
        const field = fields[Math.floor(random() * fields.length)]!
        // A letter after the first digit: "12,300" -> "1a2,300", "-1,700" -> "-1a,700".
        row[field] = String(row[field]).replace(/\d/, '$&a')
        affected.push(row)
      }
      break
    case 'inconsistentOhlc':
      for (const row of choose(rows.filter(hasHighAboveLow), 0.02, random)) {
        ;[row.TDD_HGPRC, row.TDD_LWPRC] = [row.TDD_LWPRC, row.TDD_HGPRC]
        affected.push(row)
      }
      break
    case 'duplicateRows': {
      const repeated = new Set(choose(rows, 0.01, random))
      changed = rows.flatMap((row) => (repeated.has(row) ? [row, { ...row }] : [row]))
      affected.push(...repeated)
      break
    }
    case 'missingStocks': {
      const dropped = new Set(choose(rows, 0.05, random))
      changed = rows.filter((row) => !dropped.has(row))
      affected.push(...dropped)
      break
    }
    case 'nulInField': {
      // One row, one field: a NUL after the value's first character ("3S" -> "3\u0000S"),
      // written by JSON.stringify as the escape \u0000, which JSON.parse turns back into U+0000.
      const row = choose(rows.filter((candidate) => textFieldOf(candidate, options.field) !== undefined), 0, random)[0]
      if (row === undefined) return { body, affectedCodes: [] }
      const field = textFieldOf(row, options.field)!
      const value = String(row[field] ?? '')
      row[field] = `${value.slice(0, 1)}\u0000${value.slice(1)}`
      affected.push(row)
      document[key] = changed
      return { body: JSON.stringify(document), affectedCodes: affected.map(codeOf), field }
    }
    case 'emptyRows':
      affected.push(...rows)
      changed = []
      break
    default:
      return { body, affectedCodes: [] }
  }
  document[key] = changed
  return { body: JSON.stringify(document), affectedCodes: affected.map(codeOf) }
}

const codeOf = (row: Row) => String(row.ISU_SRT_CD ?? row.code ?? '')

// A number cell of a Naver day table (`<span class="tah p11 …">259,500`), and the day cells before it.
const PAGE_NUMBER_CELL = /<span class="tah p11[^"]*">(?=\d)/g
const PAGE_DATE_CELL = /tah p10 gray03">(\d{4}\.\d{2}\.\d{2})/g

/**
 * `nulInField` on a Naver page: one NUL byte after the first digit of one number cell of a day
 * row (EUC-KR is ASCII-compatible, so the byte goes in as is). `affectedCodes` holds the row's
 * date (`2026.09.11`).
 */
function nulInPageCell(body: Buffer, seed: number): { body: Buffer; affectedCodes: string[]; field?: string } {
  const text = body.toString('latin1')
  const dates = [...text.matchAll(PAGE_DATE_CELL)]
  const cells = [...text.matchAll(PAGE_NUMBER_CELL)].filter((cell) => dates.some((date) => date.index! < cell.index!))
  if (cells.length === 0) return { body, affectedCodes: [] }
  const cell = cells[Math.floor(createRandom(seed)() * cells.length)]!
  const at = cell.index! + cell[0].length + 1
  const date = dates.filter((candidate) => candidate.index! < cell.index!).at(-1)![1]!
  return { body: Buffer.from(`${text.slice(0, at)}\u0000${text.slice(at)}`, 'latin1'), affectedCodes: [date], field: 'number cell' }
}

// Names first: a NUL there is the case that cost a whole day; any other text field otherwise.
const PREFERRED_TEXT_FIELDS = ['ISU_ABBRV', 'ISU_NM', 'COMPST_ISU_NM', 'kr_name', 'hts_kor_isnm']

/** The field of a row `nulInField` writes into: the one asked for (present in the row), else a text field. */
function textFieldOf(row: Row, wanted: string | undefined): string | undefined {
  if (wanted !== undefined) return wanted in row ? wanted : undefined
  return PREFERRED_TEXT_FIELDS.find((name) => typeof row[name] === 'string') ?? Object.keys(row).find((name) => typeof row[name] === 'string')
}

/**
 * The answer with its row array's key written twice, the second time with no rows:
 * `{"OutBlock_1":[…],"OutBlock_1":[],"CURRENT_DATETIME":…}`. `JSON.parse` keeps the last, so a
 * lenient client sees an empty day. Answers without a row array are left alone.
 */
export function duplicateDataKey(body: string | Buffer): { body: string | Buffer; key: string | undefined } {
  if (typeof body !== 'string') return { body, key: undefined }
  let document: Record<string, unknown>
  try {
    document = JSON.parse(body) as Record<string, unknown>
  } catch {
    return { body, key: undefined }
  }
  const key = Object.keys(document).find((name) => Array.isArray(document[name]))
  if (key === undefined) return { body, key: undefined }
  const members = Object.entries(document).flatMap(([name, value]) => {
    const member = `${JSON.stringify(name)}:${JSON.stringify(value)}`
    return name === key ? [member, `${JSON.stringify(name)}:[]`] : [member]
  })
  return { body: `{${members.join(',')}}`, key }
}

/**
 * A text answer as EUC-KR bytes under the given Content-Type: matching (`charset=EUC-KR`), none
 * at all, or the UTF-8 the source usually declares. Byte bodies (Naver's pages, EUC-KR already)
 * are left alone.
 */
export function asEucKr(response: SimulatorResponse, contentType: string): SimulatorResponse {
  if (typeof response.body !== 'string') return response
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => name.toLowerCase() !== 'content-type'))
  return { ...response, headers: { ...headers, 'content-type': contentType }, body: iconv.encode(response.body, 'euc-kr') }
}

/** About `share` of the rows, at least one when there are any, in their original order. */
function choose(rows: Row[], share: number, random: () => number): Row[] {
  if (rows.length === 0) return []
  const wanted = Math.max(1, Math.round(rows.length * share))
  const picked = new Set<number>()
  while (picked.size < Math.min(wanted, rows.length)) picked.add(Math.floor(random() * rows.length))
  return [...picked].sort((a, b) => a - b).map((index) => rows[index]!)
}

function isNumericField(row: Row, name: string): boolean {
  const value = row[name]
  return !NON_NUMERIC_FIELDS.has(name) && typeof value === 'string' && NUMERIC_TEXT.test(value)
}

function hasNumericField(row: Row): boolean {
  return Object.keys(row).some((name) => isNumericField(row, name))
}

function hasHighAboveLow(row: Row): boolean {
  const number = (value: unknown) => Number(String(value).replace(/,/g, ''))
  return number(row.TDD_HGPRC) > number(row.TDD_LWPRC) && number(row.TDD_LWPRC) > 0
}
