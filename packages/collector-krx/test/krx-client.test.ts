import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { AuthenticationError, BROWSER_USER_AGENT, ConfigError, createLogger, SchemaViolationError, SourceUnavailableError, type AppConfig } from '@kmd/core'
import { createKrxClient, KRX_PATHS, KRX_SCREENS, type KrxClientOptions } from '../src/index.ts'
import { startFakeKrx, type FakeKrx, type FakeKrxOptions } from './fake-krx-server.ts'

const PRICES = KRX_SCREENS.allStockPrices
const ROW = { ISU_SRT_CD: '005930', TDD_CLSPRC: '83,000' }

const fakes: FakeKrx[] = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})

async function fakeKrx(options: FakeKrxOptions = {}): Promise<FakeKrx> {
  const fake = await startFakeKrx({ rows: () => [ROW], ...options })
  fakes.push(fake)
  return fake
}

function config(fake: FakeKrx, krx: Partial<AppConfig['krx']> = {}): Pick<AppConfig, 'krx' | 'httpTimeoutMs'> {
  return {
    krx: { baseUrl: fake.baseUrl, memberId: fake.memberId, memberPassword: fake.memberPassword, maxRequestsPerSecond: 1_000, ...krx },
    httpTimeoutMs: 2_000,
  }
}

function clientFor(fake: FakeKrx, options: KrxClientOptions = {}, krx: Partial<AppConfig['krx']> = {}) {
  return createKrxClient(config(fake, krx), { retries: 2, minRetryDelayMs: 1, ...options })
}

describe('KRX session', () => {
  it('logs in with the site’s three steps before the first screen request, then reuses the session', async () => {
    const fake = await fakeKrx()
    const client = clientFor(fake)

    expect(await client.fetchScreen(PRICES, { mktId: 'ALL', trdDd: '20210104' })).toEqual([ROW])
    await client.fetchScreen(PRICES, { mktId: 'ALL', trdDd: '20210105' })

    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET ${KRX_PATHS.loginPage}`,
      `GET ${KRX_PATHS.loginForm}`,
      `POST ${KRX_PATHS.login}`,
      `POST ${KRX_PATHS.data}`,
      `POST ${KRX_PATHS.data}`,
    ])
    const [, loginForm, loginPost] = fake.requests
    expect(loginForm!.headers.referer).toBe(`${fake.baseUrl}${KRX_PATHS.loginPage}`)
    expect(loginPost!.form).toEqual({ mbrNm: '', telNo: '', di: '', certType: '', mbrId: fake.memberId, pw: fake.memberPassword })
    expect(loginPost!.headers.cookie).toBe('JSESSIONID=session-1')
  })

  it('takes over a duplicate login (CD011) by sending the login again with skipDup=Y', async () => {
    const fake = await fakeKrx({ loginReplies: [{ code: 'CD011', message: '중복 로그인' }] })
    await clientFor(fake).fetchScreen(PRICES)
    const [first, second] = fake.loginPosts()
    expect(first!.form.skipDup).toBeUndefined()
    expect(second!.form.skipDup).toBe('Y')
    expect(fake.screenRequests()).toHaveLength(1)
  })

  it('refuses any other login answer with an AuthenticationError naming the code but not the password', async () => {
    const fake = await fakeKrx({ loginReplies: [{ code: 'CD010', message: '비밀번호 변경이 필요합니다 (p@ss-word!)' }] })
    const failure = await clientFor(fake).fetchScreen(PRICES).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AuthenticationError)
    expect(failure).toMatchObject({ retryable: false })
    expect((failure as Error).message).toContain('CD010')
    expect((failure as Error).message).toContain('비밀번호 변경이 필요합니다')
    expect((failure as Error).message).not.toContain(fake.memberPassword)
    expect(fake.screenRequests()).toHaveLength(0)
  })

  it('refuses wrong credentials, which KRX answers with a code other than CD001', async () => {
    const fake = await fakeKrx()
    const failure = await clientFor(fake, {}, { memberPassword: 'wrong' }).fetchScreen(PRICES).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AuthenticationError)
    expect(fake.loginPosts()).toHaveLength(1)
  })

  it('asks for the member id and password in configuration before sending anything', async () => {
    const fake = await fakeKrx()
    const failure = await clientFor(fake, {}, { memberId: undefined, memberPassword: undefined }).fetchScreen(PRICES).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ConfigError)
    expect((failure as ConfigError).problems.map((problem) => problem.split(':')[0])).toEqual(['KRX_MEMBER_ID', 'KRX_MEMBER_PASSWORD'])
    expect(fake.requests).toHaveLength(0)
  })

  it('logs in once for requests that start together', async () => {
    const fake = await fakeKrx()
    const client = clientFor(fake)
    await Promise.all([client.fetchScreen(PRICES), client.fetchScreen(PRICES), client.fetchScreen(PRICES)])
    expect(fake.loginPosts()).toHaveLength(1)
    expect(fake.screenRequests()).toHaveLength(3)
  })
})

describe('KRX client', () => {
  it('sends the screen form with browser-like headers', async () => {
    const fake = await fakeKrx()
    await clientFor(fake).fetchScreen(PRICES, { mktId: 'ALL', trdDd: '20210104' })
    const [request] = fake.screenRequests()
    expect(Object.keys(request!.form)).toEqual(['bld', 'locale', 'mktId', 'trdDd'])
    expect(request!.form).toMatchObject({ bld: PRICES, locale: 'ko_KR' })
    expect(request!.headers).toMatchObject({
      'user-agent': BROWSER_USER_AGENT,
      referer: `${fake.baseUrl}${KRX_PATHS.outerLoader}`,
      'x-requested-with': 'XMLHttpRequest',
    })
  })

  it('logs in again once when KRX answers LOGOUT mid-run, and repeats the request', async () => {
    const fake = await fakeKrx()
    const client = clientFor(fake)
    await client.fetchScreen(PRICES)
    fake.expireSessions()

    expect(await client.fetchScreen(PRICES)).toEqual([ROW])
    expect(fake.loginPosts()).toHaveLength(2)
    expect(fake.screenRequests()).toHaveLength(3)
  })

  it('treats LOGOUT with HTTP 404 the same way', async () => {
    const fake = await fakeKrx()
    const client = clientFor(fake)
    await client.fetchScreen(PRICES)
    fake.queueFaults('logout-404')
    expect(await client.fetchScreen(PRICES)).toEqual([ROW])
    expect(fake.loginPosts()).toHaveLength(2)
  })

  it('gives up with an AuthenticationError when LOGOUT follows a fresh login', async () => {
    const fake = await fakeKrx()
    fake.refuseAllScreens()
    const failure = await clientFor(fake).fetchScreen(PRICES).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AuthenticationError)
    expect((failure as Error).message).toContain('LOGOUT')
    expect((failure as Error).message).toContain(PRICES)
    expect(fake.loginPosts()).toHaveLength(2)
    expect(fake.screenRequests()).toHaveLength(2)
  })

  it('retries through a maintenance page', async () => {
    const fake = await fakeKrx()
    const lines: string[] = []
    const logger = createLogger({ destination: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }) })
    const client = clientFor(fake, { logger })
    await client.fetchScreen(PRICES)
    fake.queueFaults('maintenance', 'maintenance')

    expect(await client.fetchScreen(PRICES)).toEqual([ROW])
    expect(fake.screenRequests()).toHaveLength(4)
    const retries = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.level === 40)
    expect(retries.map((line) => line.reason)).toEqual([
      `krx POST ${KRX_PATHS.data} (bld ${PRICES}): HTTP 200 maintenance page instead of JSON`,
      `krx POST ${KRX_PATHS.data} (bld ${PRICES}): HTTP 200 maintenance page instead of JSON`,
    ])
    expect(lines.join('\n')).not.toContain(fake.memberPassword)
  })

  it('retries truncated JSON, then fails with a retryable SourceUnavailableError naming the bld', async () => {
    const fake = await fakeKrx()
    const client = clientFor(fake)
    await client.fetchScreen(PRICES)

    fake.queueFaults('truncated')
    expect(await client.fetchScreen(PRICES)).toEqual([ROW])

    fake.queueFaults('truncated', 'truncated', 'truncated')
    const failure = await client.fetchScreen(PRICES).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SourceUnavailableError)
    expect(failure).toMatchObject({ retryable: true })
    expect((failure as Error).message).toContain(`bld ${PRICES}`)
    expect((failure as Error).message).toContain('truncated JSON')
    expect(fake.screenRequests()).toHaveLength(1 + 2 + 3)
  })

  it('reports an answer without the screen’s data key as a SchemaViolationError naming the keys present', async () => {
    const fake = await fakeKrx()
    fake.queueFaults('wrong-key')
    const failure = await clientFor(fake).fetchScreen(PRICES).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SchemaViolationError)
    expect((failure as Error).message).toBe(`krx ${PRICES}: answer has no "OutBlock_1" array (keys present: block1, CURRENT_DATETIME)`)
    expect(fake.screenRequests()).toHaveLength(1)
  })

  it('paces logins and screen requests at the configured rate', async () => {
    const fake = await fakeKrx()
    const started = performance.now()
    await clientFor(fake, {}, { maxRequestsPerSecond: 20 }).fetchScreen(PRICES)
    // Four requests (three login steps and the screen) at 20/s: at least three 50 ms gaps.
    expect(performance.now() - started).toBeGreaterThanOrEqual(150 - 5)
  })
})
