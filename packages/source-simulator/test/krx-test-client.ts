import { DATA_PATH, LOGIN_PAGE_PATH, LOGIN_PATH } from '../src/index.ts'

/** A minimal KRX portal client for the tests: keeps the session cookie, logs in, posts forms. */

export const DAY_PRICES_BLD = 'dbms/MDC/STAT/standard/MDCSTAT01501'
export const INVESTOR_BLD = 'dbms/MDC/STAT/standard/MDCSTAT02401'

export type Row = Record<string, string>

export interface LoginAnswer {
  _error_code: string
  _error_message: string
}

export class KrxTestClient {
  cookie: string | undefined

  constructor(readonly baseUrl: string) {}

  async openSession(): Promise<void> {
    const response = await fetch(this.baseUrl + LOGIN_PAGE_PATH, { headers: this.headers() })
    const setCookie = response.headers.get('set-cookie')
    if (setCookie) this.cookie = setCookie.split(';')[0]
    await response.text()
  }

  async login(memberId = 'demo', password = 'demo-password', extra: Record<string, string> = {}): Promise<LoginAnswer> {
    if (this.cookie === undefined) await this.openSession()
    const response = await this.post(LOGIN_PATH, { mbrNm: '', telNo: '', di: '', certType: '', mbrId: memberId, pw: password, ...extra })
    return (await response.json()) as LoginAnswer
  }

  post(path: string, form: Record<string, string>): Promise<Response> {
    return fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: new URLSearchParams(form).toString(),
    })
  }

  data(form: Record<string, string>): Promise<Response> {
    return this.post(DATA_PATH, form)
  }

  /** Posts a data request and returns the rows under `key`. */
  async rows(form: Record<string, string>, key: string): Promise<Row[]> {
    const response = await this.data(form)
    const text = await response.text()
    const rows = (JSON.parse(text) as Record<string, unknown>)[key]
    if (!Array.isArray(rows)) throw new Error(`no "${key}" array in answer: ${text.slice(0, 200)}`)
    return rows as Row[]
  }

  dayPrices(trdDd: string, mktId = 'ALL'): Promise<Row[]> {
    return this.rows({ bld: DAY_PRICES_BLD, trdDd, mktId }, 'OutBlock_1')
  }

  investorRows(strtDd: string, endDd: string, mktId: string, invstTpCd: string): Promise<Row[]> {
    return this.rows({ bld: INVESTOR_BLD, strtDd, endDd, mktId, invstTpCd }, 'output')
  }

  private headers(): Record<string, string> {
    return this.cookie === undefined ? {} : { cookie: this.cookie }
  }
}

export async function loggedInClient(baseUrl: string): Promise<KrxTestClient> {
  const client = new KrxTestClient(baseUrl)
  const answer = await client.login()
  if (answer._error_code !== 'CD001') throw new Error(`login failed: ${JSON.stringify(answer)}`)
  return client
}

/** KRX number text to a number: "1,234" -> 1234, "-1,700" -> -1700. */
export function krxNumber(text: string | undefined): number {
  if (text === undefined || !/^-?[\d,]+(\.\d+)?$/.test(text)) throw new Error(`not a KRX number: ${JSON.stringify(text)}`)
  return Number(text.replace(/,/g, ''))
}

/** Like krxNumber, as a bigint, for values that can exceed 2^53 when summed. */
export function krxBigInt(text: string | undefined): bigint {
  krxNumber(text)
  return BigInt(text!.replace(/,/g, ''))
}
