import iconv from 'iconv-lite'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type FaultKind, type RunningSimulator } from '../src/index.ts'
import { DAY_PRICES_BLD, KrxTestClient, loggedInClient, type Row } from './krx-test-client.ts'

// A recorded day (2,531 real rows, Korean names), so the faults are shown on real payloads.
const RECORDED_DAY = { bld: DAY_PRICES_BLD, trdDd: '20210104', mktId: 'ALL' }

let simulator: RunningSimulator
let client: KrxTestClient
let normalBody: string
let normalRows: Row[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 300, clock: () => new Date('2026-01-25T00:00:00Z') })
  client = await loggedInClient(simulator.url)
  normalBody = await (await client.data(RECORDED_DAY)).text()
  normalRows = JSON.parse(normalBody).OutBlock_1
})
afterEach(() => simulator.faults.clear())
afterAll(() => simulator.stop())

async function fetchDay(): Promise<{ response: Response; bytes: Buffer }> {
  const response = await client.data(RECORDED_DAY)
  return { response, bytes: Buffer.from(await response.arrayBuffer()) }
}

function lastApplied(kind: FaultKind) {
  const applied = simulator.faults.applied.filter((fault) => fault.kind === kind).at(-1)
  if (!applied) throw new Error(`${kind} was never applied`)
  return applied
}

describe('faults for parse hygiene', () => {
  test('nulInField puts one NUL (as the JSON escape \\u0000) into one row’s ISU_ABBRV, every other row as recorded', async () => {
    simulator.faults.inject({ kind: 'nulInField' })
    const { bytes } = await fetchDay()
    expect(bytes.includes(0)).toBe(false)
    const rows: Row[] = JSON.parse(bytes.toString('utf8')).OutBlock_1
    const applied = lastApplied('nulInField')
    expect(applied.field).toBe('ISU_ABBRV')
    expect(applied.affectedCodes).toHaveLength(1)
    const broken = rows.filter((row) => Object.values(row).some((value) => value.includes('\u0000')))
    expect(broken.map((row) => row.ISU_SRT_CD)).toEqual(applied.affectedCodes)
    const original = normalRows.find((row) => row.ISU_SRT_CD === applied.affectedCodes[0])!
    expect(broken[0]!.ISU_ABBRV).toBe(`${original.ISU_ABBRV!.slice(0, 1)}\u0000${original.ISU_ABBRV!.slice(1)}`)
    expect(rows.filter((row) => row !== broken[0])).toEqual(normalRows.filter((row) => row.ISU_SRT_CD !== applied.affectedCodes[0]))
  })

  test('nulInField takes the field to break', async () => {
    simulator.faults.inject({ kind: 'nulInField', field: 'SECT_TP_NM' })
    const rows: Row[] = JSON.parse((await fetchDay()).bytes.toString('utf8')).OutBlock_1
    expect(lastApplied('nulInField').field).toBe('SECT_TP_NM')
    expect(rows.filter((row) => row.SECT_TP_NM?.includes('\u0000'))).toHaveLength(1)
  })

  test('emptyRows answers the data key with no rows, the rest of the answer intact', async () => {
    simulator.faults.inject({ kind: 'emptyRows' })
    const document = JSON.parse((await fetchDay()).bytes.toString('utf8'))
    expect(document.OutBlock_1).toEqual([])
    expect(document.CURRENT_DATETIME).toEqual(JSON.parse(normalBody).CURRENT_DATETIME)
    expect(lastApplied('emptyRows').affectedCodes).toHaveLength(normalRows.length)
  })

  test('duplicateDataKey writes OutBlock_1 twice, the second time empty, so JSON.parse sees no rows', async () => {
    simulator.faults.inject({ kind: 'duplicateDataKey' })
    const text = (await fetchDay()).bytes.toString('utf8')
    expect(text.match(/"OutBlock_1":/g)).toHaveLength(2)
    expect(text).toContain('],"OutBlock_1":[],"CURRENT_DATETIME":')
    expect(JSON.parse(text).OutBlock_1).toEqual([])
    expect(lastApplied('duplicateDataKey').field).toBe('OutBlock_1')
  })

  test('eucKrBody sends EUC-KR bytes declared as charset=EUC-KR', async () => {
    simulator.faults.inject({ kind: 'eucKrBody' })
    const { response, bytes } = await fetchDay()
    expect(response.headers.get('content-type')).toBe('text/html; charset=EUC-KR')
    expect(bytes.equals(iconv.encode(normalBody, 'euc-kr'))).toBe(true)
    expect(JSON.parse(iconv.decode(bytes, 'euc-kr')).OutBlock_1).toEqual(normalRows)
  })

  test('eucKrBodyUndeclared and eucKrBodyMislabelled send the same bytes without charset, or labelled UTF-8', async () => {
    for (const [kind, contentType] of [
      ['eucKrBodyUndeclared', 'text/html'],
      ['eucKrBodyMislabelled', 'text/html; charset=utf-8'],
    ] as const) {
      simulator.faults.inject({ kind })
      const { response, bytes } = await fetchDay()
      expect(response.headers.get('content-type')).toBe(contentType)
      expect(bytes.equals(iconv.encode(normalBody, 'euc-kr'))).toBe(true)
      // Read as UTF-8, the Korean names are lost to U+FFFD.
      expect(bytes.toString('utf8')).toContain('\uFFFD')
    }
  })

  test('nulInField on a Naver page puts one NUL byte into one number cell of a day row, naming its date', async () => {
    const url = `${simulator.url}/item/sise_day.naver?code=005930&page=1`
    const normal = Buffer.from(await (await fetch(url)).arrayBuffer())
    simulator.faults.inject({ kind: 'nulInField', match: { path: '/item/sise_day.naver' } })
    const broken = Buffer.from(await (await fetch(url)).arrayBuffer())
    const applied = lastApplied('nulInField')
    expect(applied.field).toBe('number cell')
    expect(applied.affectedCodes[0]).toMatch(/^\d{4}\.\d{2}\.\d{2}$/)
    expect(broken.length).toBe(normal.length + 1)
    const at = broken.indexOf(0)
    expect(broken.indexOf(0, at + 1)).toBe(-1)
    expect(Buffer.concat([broken.subarray(0, at), broken.subarray(at + 1)]).equals(normal)).toBe(true)
  })

  test('faults combine in order: rows, keys, bytes, then the cut (truncatedJson)', async () => {
    simulator.faults.inject({ kind: 'nulInField' })
    simulator.faults.inject({ kind: 'duplicateDataKey' })
    simulator.faults.inject({ kind: 'eucKrBody' })
    const { bytes } = await fetchDay()
    const text = iconv.decode(bytes, 'euc-kr')
    expect(text.match(/"OutBlock_1":/g)).toHaveLength(2)
    expect(text).toContain('\\u0000')

    simulator.faults.inject({ kind: 'truncatedJson' })
    const cut = (await fetchDay()).bytes.toString('utf8')
    expect(cut).toBe(normalBody.slice(0, Math.floor(normalBody.length / 2)))
  })
})
