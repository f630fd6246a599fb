import { DEFAULT_INFOMAX_TOKEN } from '../src/index.ts'

/** A minimal Infomax client for the simulator's own tests: GET with a bearer token, the envelope as parsed JSON. */
export type InfomaxRow = Record<string, unknown>

export interface InfomaxEnvelope {
  status: number
  success: boolean
  results: unknown
}

export async function infomaxGet(baseUrl: string, path: string, query: Record<string, string> = {}, token: string | null = DEFAULT_INFOMAX_TOKEN): Promise<InfomaxEnvelope> {
  const url = new URL(baseUrl + path)
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  const response = await fetch(url, { headers: token === null ? {} : { authorization: `bearer ${token}` } })
  const text = await response.text()
  const body = JSON.parse(text) as { success: boolean; results: unknown }
  return { status: response.status, success: body.success, results: body.results }
}

/** The rows of a successful answer; anything else fails the test with the answer shown. */
export async function infomaxRows(baseUrl: string, path: string, query: Record<string, string> = {}): Promise<InfomaxRow[]> {
  const answer = await infomaxGet(baseUrl, path, query)
  if (!answer.success || !Array.isArray(answer.results)) throw new Error(`${path}: ${JSON.stringify(answer).slice(0, 200)}`)
  return answer.results as InfomaxRow[]
}
