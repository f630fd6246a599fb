import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { DEFAULT_KIS_APP_KEY, KIS_ROUTES, KIS_TOKEN_PATH, startSimulator, type RunningSimulator } from '../src/index.ts'
import { KisTestClient, kisClientWithToken, rowsOf } from './kis-test-client.ts'

const chart = KIS_ROUTES.dailyChart
const DAY_QUERY = { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_DATE_1: '20250304', FID_INPUT_DATE_2: '20250304', FID_PERIOD_DIV_CODE: 'D', FID_ORG_ADJ_PRC: '1' }

let simulator: RunningSimulator
let stockCode: string

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 200 })
  stockCode = simulator.kis.listedStockCodes()[0]!
})
afterAll(() => simulator.stop())
beforeEach(() => {
  simulator.kis.reset()
  simulator.faults.clear()
})

const dayQuery = () => ({ ...DAY_QUERY, FID_INPUT_ISCD: stockCode })

describe('the KIS token endpoint', () => {
  test('issues a 24-hour bearer token in KIS’s answer shape and counts it', async () => {
    const { status, body } = await new KisTestClient(simulator.url).issueToken()
    expect(status).toBe(200)
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86_400 })
    expect(body.access_token).toMatch(/^eyJ/)
    expect(body.access_token_token_expired).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    expect(simulator.kis.issuedTokens).toMatchObject([{ appKey: DEFAULT_KIS_APP_KEY, accessToken: body.access_token }])
  })

  test('answers a second issuance within a minute with 403 EGW00133', async () => {
    await new KisTestClient(simulator.url).issueToken()
    const again = await new KisTestClient(simulator.url).issueToken()
    expect(again).toEqual({ status: 403, body: { error_description: '접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)', error_code: 'EGW00133' } })
    expect(simulator.kis.issuedTokens).toHaveLength(1)
  })

  test('issues again once the configured interval has passed', async () => {
    simulator.kis.configure({ tokenIssueIntervalMs: 0 })
    await new KisTestClient(simulator.url).issueToken()
    expect((await new KisTestClient(simulator.url).issueToken()).status).toBe(200)
    expect(simulator.kis.issuedTokens).toHaveLength(2)
  })

  test('refuses an unknown app key, a wrong secret and a wrong grant type', async () => {
    expect((await new KisTestClient(simulator.url, 'nobody').issueToken()).body).toMatchObject({ error_code: 'EGW00103' })
    expect((await new KisTestClient(simulator.url, DEFAULT_KIS_APP_KEY, 'wrong').issueToken()).body).toMatchObject({ error_code: 'EGW00105' })
    const client = new KisTestClient(simulator.url)
    const wrongGrant = await client.issueToken({ grant_type: 'password', appkey: client.appKey, appsecret: client.appSecret })
    expect(wrongGrant.status).toBe(403)
    expect(simulator.kis.issuedTokens).toHaveLength(0)
  })

  test('answers the recorded example’s request with the recorded token', async () => {
    const recorded = {
      grant_type: 'client_credentials',
      appkey: 'PSg5dctL9dKPo727J13Ur405OSXXXXXXXXXX',
      appsecret:
        'yo2t8zS68zpdjGuWvFyM9VikjXE0i0CbgPEamnqPA00G0bIfrdfQb2RUD1xP7SqatQXr1cD1fGUNsb78MMXoq6o4lAYt9YTtHAjbMoFy+c72kbq5owQY1Pvp39/x6ejpJlXCj7gE3yVOB/h25Hvl+URmYeBTfrQeOqIAOYc/OIXXXXXXXXXX',
    }
    const { status, body } = await new KisTestClient(simulator.url).issueToken(recorded)
    expect(status).toBe(200)
    expect(body).toMatchObject({ access_token_token_expired: '2023-12-22 08:16:59', token_type: 'Bearer', expires_in: 86400 })
    expect(String(body.access_token)).toMatch(/XXXXXXXXXX$/)
  })
})

describe('the KIS gateway in front of /uapi/', () => {
  test('answers a request with every header right', async () => {
    const client = await kisClientWithToken(simulator.url)
    const reply = await client.get(chart.path, chart.trId, dayQuery())
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ rt_cd: '0', msg_cd: 'MCA00000', msg1: '정상처리 되었습니다.' })
    expect(rowsOf(reply, 'output2')).toHaveLength(1)
  })

  test.each([
    ['a missing appkey', { appkey: undefined }, 403, 'EGW00103'],
    ['an unknown appkey', { appkey: 'nobody' }, 403, 'EGW00103'],
    ['a wrong appsecret', { appsecret: 'wrong' }, 403, 'EGW00105'],
    ['a missing authorization', { authorization: undefined }, 401, 'EGW00121'],
    ['an unknown token', { authorization: 'Bearer forged' }, 401, 'EGW00121'],
    ['a tr_id the path does not serve', { tr_id: 'FHKST01010100' }, 200, 'OPSQ0002'],
    ['no tr_id', { tr_id: undefined }, 200, 'OPSQ0002'],
  ])('refuses %s with a KIS error body', async (_what, headers, status, msgCd) => {
    const client = await kisClientWithToken(simulator.url)
    const reply = await client.get(chart.path, chart.trId, dayQuery(), headers)
    expect(reply.status).toBe(status)
    expect(reply.body).toMatchObject({ rt_cd: '1', msg_cd: msgCd })
    expect(typeof reply.body.msg1).toBe('string')
  })

  test('refuses a token issued to another app key', async () => {
    simulator.kis.addApp('second-app', 'second-secret')
    const other = new KisTestClient(simulator.url, 'second-app', 'second-secret')
    await other.issueToken()
    const client = new KisTestClient(simulator.url)
    client.token = other.token
    expect((await client.get(chart.path, chart.trId, dayQuery())).body).toMatchObject({ msg_cd: 'EGW00121' })
  })

  test.each([500, 200])('answers an expired token with EGW00123 and HTTP %i as configured', async (status) => {
    simulator.kis.configure({ expiredTokenStatus: status })
    const client = await kisClientWithToken(simulator.url)
    simulator.kis.expireTokens()
    const reply = await client.get(chart.path, chart.trId, dayQuery())
    expect(reply.status).toBe(status)
    expect(reply.body).toEqual({ rt_cd: '1', msg_cd: 'EGW00123', msg1: '기간이 만료된 token 입니다.' })
  })

  test('lets a token expire after the configured lifetime while advertising 24 hours', async () => {
    simulator.kis.configure({ tokenTtlMs: 50 })
    const client = await kisClientWithToken(simulator.url)
    expect((await client.get(chart.path, chart.trId, dayQuery())).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect((await client.get(chart.path, chart.trId, dayQuery())).body).toMatchObject({ msg_cd: 'EGW00123' })
  })

  test('answers EGW00201 with HTTP 500 above the per-second limit, and serves again a second later', async () => {
    simulator.kis.configure({ requestsPerSecond: 3 })
    const client = await kisClientWithToken(simulator.url)
    const replies = await Promise.all(Array.from({ length: 5 }, () => client.get(chart.path, chart.trId, dayQuery())))
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 200, 200, 500, 500])
    expect(replies.find((reply) => reply.status === 500)!.body).toEqual({ rt_cd: '1', msg_cd: 'EGW00201', msg1: '초당 거래건수를 초과하였습니다.' })
    await new Promise((resolve) => setTimeout(resolve, 1_050))
    expect((await client.get(chart.path, chart.trId, dayQuery())).status).toBe(200)
  })

  test('counts the limit per app key', async () => {
    simulator.kis.configure({ requestsPerSecond: 1 })
    simulator.kis.addApp('second-app', 'second-secret')
    const first = await kisClientWithToken(simulator.url)
    const second = new KisTestClient(simulator.url, 'second-app', 'second-secret')
    await second.issueToken()
    expect((await first.get(chart.path, chart.trId, dayQuery())).status).toBe(200)
    expect((await second.get(chart.path, chart.trId, dayQuery())).status).toBe(200)
    expect((await first.get(chart.path, chart.trId, dayQuery())).status).toBe(500)
  })

  test('applies the shared faults to KIS paths', async () => {
    const client = await kisClientWithToken(simulator.url)
    const send = () => fetch(`${simulator.url}${chart.path}?${new URLSearchParams(dayQuery())}`, { headers: client.headers(chart.trId) })
    simulator.faults.inject({ kind: 'http500', match: { path: chart.path } })
    expect((await send()).status).toBe(500)
    simulator.faults.inject({ kind: 'truncatedJson', match: { path: chart.path } })
    const cut = await send()
    expect(cut.status).toBe(200)
    const text = await cut.text()
    expect(() => JSON.parse(text)).toThrow()
    expect(JSON.parse(await (await send()).text())).toMatchObject({ rt_cd: '0' })
  })

  test('answers unknown KIS paths with 404 and leaves other paths to the other sources', async () => {
    const client = await kisClientWithToken(simulator.url)
    expect((await fetch(`${simulator.url}/uapi/domestic-stock/v1/quotations/nothing`, { headers: client.headers('X') })).status).toBe(404)
    expect(simulator.requests.filter((request) => request.path === KIS_TOKEN_PATH)).not.toHaveLength(0)
  })
})
