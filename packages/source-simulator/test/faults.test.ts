import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { FAULT_KINDS, LOGIN_PATH, startSimulator, type FaultKind, type RunningSimulator } from '../src/index.ts'
import { DAY_PRICES_BLD, INVESTOR_BLD, KrxTestClient, krxNumber, loggedInClient, type Row } from './krx-test-client.ts'

const DAY_FORM = { bld: DAY_PRICES_BLD, trdDd: '20240305', mktId: 'ALL' }
const INVESTOR_FORM = { bld: INVESTOR_BLD, strtDd: '20240305', endDd: '20240305', mktId: 'STK', invstTpCd: '8000' }

let simulator: RunningSimulator
let client: KrxTestClient
let normalBody: string
let normalRows: Row[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 600, clock: () => new Date('2026-01-25T00:00:00Z') })
  client = await loggedInClient(simulator.url)
  normalBody = await (await client.data(DAY_FORM)).text()
  normalRows = JSON.parse(normalBody).OutBlock_1
})
afterEach(() => simulator.faults.clear())
afterAll(() => simulator.stop())

async function fetchDay(): Promise<{ response: Response; body: string }> {
  const response = await client.data(DAY_FORM)
  return { response, body: await response.text() }
}

function lastApplied(kind: FaultKind) {
  const applied = simulator.faults.applied.filter((fault) => fault.kind === kind).at(-1)
  if (!applied) throw new Error(`${kind} was never applied`)
  return applied
}

describe('faults that replace the answer', () => {
  test('http500 answers 500 once, then the next request is normal', async () => {
    simulator.faults.inject({ kind: 'http500' })
    expect((await fetchDay()).response.status).toBe(500)
    expect((await fetchDay()).body).toBe(normalBody)
  })

  test('http429 answers 429 with Retry-After: 1', async () => {
    simulator.faults.inject({ kind: 'http429' })
    const { response } = await fetchDay()
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')
  })

  test('maintenancePage answers an HTML page with status 200 where JSON was expected', async () => {
    simulator.faults.inject({ kind: 'maintenancePage' })
    const { response, body } = await fetchDay()
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(body).toContain('서비스 제공 불가능')
    expect(body).toContain('일시적 접근 불안정')
    expect(() => JSON.parse(body)).toThrow()
  })

  test('logout answers 400 LOGOUT despite a logged-in session and ends that session until the next login', async () => {
    const own = await loggedInClient(simulator.url)
    simulator.faults.inject({ kind: 'logout' })
    const first = await own.data(DAY_FORM)
    expect([first.status, await first.text()]).toEqual([400, 'LOGOUT'])
    const second = await own.data(DAY_FORM)
    expect([second.status, await second.text()]).toEqual([400, 'LOGOUT'])
    await own.openSession()
    await own.login()
    expect((await own.data(DAY_FORM)).status).toBe(200)
  })
})

describe('faults that delay or damage the answer', () => {
  test('slow answers only after delayMs, with the normal body', async () => {
    simulator.faults.inject({ kind: 'slow', delayMs: 300 })
    const started = performance.now()
    const { body } = await fetchDay()
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(body).toBe(normalBody)
  })

  test('truncatedJson cuts the body in half so it no longer parses', async () => {
    simulator.faults.inject({ kind: 'truncatedJson' })
    const { response, body } = await fetchDay()
    expect(response.status).toBe(200)
    expect(body).toBe(normalBody.slice(0, Math.floor(normalBody.length / 2)))
    expect(() => JSON.parse(body)).toThrow()
  })

  test('unparsableNumbers puts letters into numeric fields of the rows it reports', async () => {
    simulator.faults.inject({ kind: 'unparsableNumbers' })
    const rows: Row[] = JSON.parse((await fetchDay()).body).OutBlock_1
    const broken = rows.filter((row) => Object.values(row).some((value) => /^-?\da[\d,.]*$/.test(value)))
    expect(broken.length).toBeGreaterThan(0)
    expect(broken.map((row) => row.ISU_SRT_CD)).toEqual(lastApplied('unparsableNumbers').affectedCodes)
    expect(rows).toHaveLength(normalRows.length)
  })

  test('inconsistentOhlc makes some rows report a high below the low', async () => {
    simulator.faults.inject({ kind: 'inconsistentOhlc' })
    const rows: Row[] = JSON.parse((await fetchDay()).body).OutBlock_1
    const inverted = rows.filter((row) => row.FLUC_TP_CD !== '0' && krxNumber(row.TDD_HGPRC) < krxNumber(row.TDD_LWPRC))
    expect(inverted.length).toBeGreaterThan(0)
    expect(inverted.map((row) => row.ISU_SRT_CD)).toEqual(lastApplied('inconsistentOhlc').affectedCodes)
  })

  test('duplicateRows repeats some rows right after themselves', async () => {
    simulator.faults.inject({ kind: 'duplicateRows' })
    const rows: Row[] = JSON.parse((await fetchDay()).body).OutBlock_1
    const repeated = lastApplied('duplicateRows').affectedCodes
    expect(repeated.length).toBeGreaterThan(0)
    expect(rows).toHaveLength(normalRows.length + repeated.length)
    for (const code of repeated) expect(rows.filter((row) => row.ISU_SRT_CD === code)).toHaveLength(2)
  })

  test('missingStocks drops about 5% of the rows', async () => {
    simulator.faults.inject({ kind: 'missingStocks' })
    const rows: Row[] = JSON.parse((await fetchDay()).body).OutBlock_1
    const present = new Set(rows.map((row) => row.ISU_SRT_CD))
    const missing = normalRows.map((row) => row.ISU_SRT_CD!).filter((code) => !present.has(code))
    expect(missing.length).toBe(Math.round(normalRows.length * 0.05))
    expect(missing).toEqual(lastApplied('missingStocks').affectedCodes)
  })

  test('row faults apply to recorded answers too', async () => {
    simulator.faults.inject({ kind: 'missingStocks' })
    const rows: Row[] = JSON.parse(await (await client.data({ bld: DAY_PRICES_BLD, trdDd: '20210104', mktId: 'ALL' })).text()).OutBlock_1
    expect(rows).toHaveLength(2531 - Math.round(2531 * 0.05))
  })
})

describe('choosing which requests a fault hits', () => {
  test('times sets how many matching requests are hit', async () => {
    simulator.faults.inject({ kind: 'http500', times: 2 })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await fetchDay()).response.status)
    expect(statuses).toEqual([500, 500, 200])
    expect(simulator.faults.pending()).toEqual([])
  })

  test('match.bld limits a fault to one screen, by full path or its last part', async () => {
    simulator.faults.inject({ kind: 'http500', match: { bld: 'MDCSTAT02401' } })
    expect((await fetchDay()).response.status).toBe(200)
    expect((await client.data(INVESTOR_FORM)).status).toBe(500)
    simulator.faults.inject({ kind: 'http500', match: { bld: INVESTOR_BLD } })
    expect((await client.data(INVESTOR_FORM)).status).toBe(500)
  })

  test('without match.path a fault waits for a data request; with it, it can hit the login', async () => {
    simulator.faults.inject({ kind: 'http500' })
    const fresh = new KrxTestClient(simulator.url)
    expect((await fresh.login())._error_code).toBe('CD001')
    expect(simulator.faults.pending()).toHaveLength(1)
    simulator.faults.clear()

    simulator.faults.inject({ kind: 'http500', match: { path: LOGIN_PATH } })
    const response = await new KrxTestClient(simulator.url).post(LOGIN_PATH, { mbrId: 'demo', pw: 'demo-password' })
    expect(response.status).toBe(500)
  })

  test('clear forgets pending faults', async () => {
    simulator.faults.inject({ kind: 'http500', times: Infinity })
    simulator.faults.clear()
    expect(simulator.faults.pending()).toEqual([])
    expect((await fetchDay()).response.status).toBe(200)
  })

  test('an unknown kind or a bad count is refused when injected', () => {
    expect(() => simulator.faults.inject({ kind: 'gremlins' as FaultKind })).toThrow(/Unknown fault kind/)
    expect(() => simulator.faults.inject({ kind: 'http500', times: 0 })).toThrow(RangeError)
    expect(FAULT_KINDS).toHaveLength(16)
  })

  test('the requests log records each data request with its form, headers and answered status', async () => {
    simulator.faults.inject({ kind: 'http429' })
    const before = simulator.requests.length
    await fetchDay()
    await fetchDay()
    const logged = simulator.requests.slice(before)
    expect(logged.map((request) => request.status)).toEqual([429, 200])
    expect(logged[0]).toMatchObject({ method: 'POST', path: '/comm/bldAttendant/getJsonData.cmd', form: DAY_FORM })
    expect(logged[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(logged[1]!.receivedAt).toBeGreaterThanOrEqual(logged[0]!.receivedAt)
  })
})
