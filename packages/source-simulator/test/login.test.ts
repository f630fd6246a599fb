import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type RunningSimulator } from '../src/index.ts'
import { DAY_PRICES_BLD, KrxTestClient } from './krx-test-client.ts'

let simulator: RunningSimulator

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 200, members: { demo: 'demo-password', analyst: 's3cret!' } })
})
afterAll(() => simulator.stop())

const dayForm = { bld: DAY_PRICES_BLD, trdDd: '20240304', mktId: 'ALL' }

async function expectLogout(response: Response): Promise<void> {
  expect(response.status).toBe(400)
  expect(response.headers.get('content-type')).toMatch(/^text\/html/)
  expect(await response.text()).toBe('LOGOUT')
}

describe('members-only access', () => {
  test('a data request without a session cookie answers 400 LOGOUT', async () => {
    await expectLogout(await new KrxTestClient(simulator.url).data(dayForm))
  })

  test('a session that never logged in answers 400 LOGOUT', async () => {
    const client = new KrxTestClient(simulator.url)
    await client.openSession()
    expect(client.cookie).toMatch(/^JSESSIONID=[0-9A-F]{32}$/)
    await expectLogout(await client.data(dayForm))
  })

  test('the login form page answers HTML on the same session', async () => {
    const client = new KrxTestClient(simulator.url)
    await client.openSession()
    const response = await fetch(`${simulator.url}/contents/MDC/COMS/client/view/login.jsp?site=mdc`, { headers: { cookie: client.cookie! } })
    expect(response.status).toBe(200)
    expect(response.headers.get('set-cookie')).toBeNull()
    expect(await response.text()).toContain('MDCCOMS001D1.cmd')
  })
})

describe('login', () => {
  test('the right password answers CD001 and unlocks data on that session', async () => {
    const client = new KrxTestClient(simulator.url)
    expect((await client.login('analyst', 's3cret!'))._error_code).toBe('CD001')
    const response = await client.data(dayForm)
    expect(response.status).toBe(200)
    expect(JSON.parse(await response.text()).OutBlock_1).toHaveLength(200)
  })

  test('a wrong password answers CD002 with the mismatch message and the session stays logged out', async () => {
    const client = new KrxTestClient(simulator.url)
    const answer = await client.login('demo', 'not-the-password')
    expect(answer).toEqual({ _error_code: 'CD002', _error_message: '아이디 또는 비밀번호가 일치하지 않습니다' })
    await expectLogout(await client.data(dayForm))
  })

  test('an unknown member id answers CD002 like a wrong password', async () => {
    expect((await new KrxTestClient(simulator.url).login('nobody', 'demo-password'))._error_code).toBe('CD002')
    expect((await new KrxTestClient(simulator.url).login('constructor', ''))._error_code).toBe('CD002')
  })

  test('a member logged in elsewhere gets CD011, then a resend with skipDup=Y succeeds', async () => {
    simulator.faults.setDuplicateLoginFor('demo')
    const client = new KrxTestClient(simulator.url)
    expect((await client.login('demo', 'demo-password'))._error_code).toBe('CD011')
    await expectLogout(await client.data(dayForm))
    expect((await client.login('demo', 'demo-password', { skipDup: 'Y' }))._error_code).toBe('CD001')
    expect((await client.data(dayForm)).status).toBe(200)
    // The other session was taken over: the next plain login goes through.
    expect((await new KrxTestClient(simulator.url).login('demo', 'demo-password'))._error_code).toBe('CD001')
  })

  test('a login post without a prior page visit gets its session cookie with the answer', async () => {
    const response = await fetch(`${simulator.url}/contents/MDC/COMS/client/MDCCOMS001D1.cmd`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'mbrNm=&telNo=&di=&certType=&mbrId=demo&pw=demo-password',
    })
    expect(response.headers.get('set-cookie')).toMatch(/^JSESSIONID=[0-9A-F]{32}; Path=\/; HttpOnly$/)
    expect(((await response.json()) as { _error_code: string })._error_code).toBe('CD001')
  })

  test('the requests log shows the login steps in order with their forms', async () => {
    const before = simulator.requests.length
    await new KrxTestClient(simulator.url).login('demo', 'demo-password')
    const steps = simulator.requests.slice(before)
    expect(steps.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /contents/MDC/COMS/client/MDCCOMS001.cmd',
      'POST /contents/MDC/COMS/client/MDCCOMS001D1.cmd',
    ])
    expect(steps[1]!.form).toMatchObject({ mbrId: 'demo', pw: 'demo-password' })
    expect(steps[1]!.headers.cookie).toMatch(/^JSESSIONID=/)
    expect(steps.map((request) => request.status)).toEqual([200, 200])
  })
})
