import { DEFAULT_KIS_APP_KEY, DEFAULT_KIS_APP_SECRET, KIS_TOKEN_PATH } from '../src/index.ts'

/** A minimal KIS Developers client for the simulator's tests: issues a token, sends quote requests. */

export type KisBody = Record<string, unknown> & { rt_cd?: string; msg_cd?: string; msg1?: string }
export type KisRow = Record<string, string>

export interface KisReply {
  status: number
  trCont: string | null
  body: KisBody
}

export class KisTestClient {
  token: string | undefined

  constructor(
    readonly baseUrl: string,
    readonly appKey = DEFAULT_KIS_APP_KEY,
    readonly appSecret = DEFAULT_KIS_APP_SECRET,
  ) {}

  async issueToken(body: Record<string, unknown> = { grant_type: 'client_credentials', appkey: this.appKey, appsecret: this.appSecret }): Promise<{ status: number; body: KisBody }> {
    const response = await fetch(this.baseUrl + KIS_TOKEN_PATH, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) })
    const answer = (await response.json()) as KisBody
    if (response.status === 200 && typeof answer.access_token === 'string') this.token = answer.access_token
    return { status: response.status, body: answer }
  }

  headers(trId: string, overrides: Record<string, string | undefined> = {}): Record<string, string> {
    const headers: Record<string, string | undefined> = {
      'content-type': 'application/json; charset=utf-8',
      authorization: this.token === undefined ? undefined : `Bearer ${this.token}`,
      appkey: this.appKey,
      appsecret: this.appSecret,
      tr_id: trId,
      custtype: 'P',
      ...overrides,
    }
    return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined))
  }

  async get(path: string, trId: string, query: Record<string, string>, headerOverrides: Record<string, string | undefined> = {}): Promise<KisReply> {
    const response = await fetch(`${this.baseUrl}${path}?${new URLSearchParams(query)}`, { headers: this.headers(trId, headerOverrides) })
    return { status: response.status, trCont: response.headers.get('tr_cont'), body: (await response.json()) as KisBody }
  }
}

/** A client with a token, for the default app. */
export async function kisClientWithToken(baseUrl: string): Promise<KisTestClient> {
  const client = new KisTestClient(baseUrl)
  const { status, body } = await client.issueToken()
  if (status !== 200) throw new Error(`token refused: ${JSON.stringify(body)}`)
  return client
}

export function rowsOf(reply: KisReply, key: string): KisRow[] {
  const rows = reply.body[key]
  if (!Array.isArray(rows)) throw new Error(`no "${key}" array in ${JSON.stringify(reply.body).slice(0, 200)}`)
  return rows as KisRow[]
}
