import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'

/** What a route answers; the server writes it after faults have had their say. */
export interface SimulatorResponse {
  status: number
  headers: Record<string, string | string[]>
  /** Text is sent as UTF-8; a Buffer as is (Naver's pages are EUC-KR bytes). */
  body: string | Buffer
}

export interface ParsedRequest {
  method: string
  path: string
  query: Record<string, string>
  form: Record<string, string>
  headers: IncomingHttpHeaders
  cookies: Record<string, string>
  /** The body as text, for JSON requests (KIS's token endpoint). */
  body: string
}

export const HTML = 'text/html; charset=utf-8'

export async function parseRequest(request: IncomingMessage): Promise<ParsedRequest> {
  const url = new URL(request.url ?? '/', 'http://simulator.invalid')
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks).toString('utf8')
  const isForm = (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    // KRX clients post forms; a body without a content type is read as a form too, like a lenient servlet.
    form: isForm || (body !== '' && request.headers['content-type'] === undefined) ? Object.fromEntries(new URLSearchParams(body)) : {},
    headers: request.headers,
    cookies: parseCookies(request.headers.cookie),
    body,
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0) cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim()
  }
  return cookies
}

export function htmlResponse(status: number, body: string, headers: Record<string, string | string[]> = {}): SimulatorResponse {
  return { status, headers: { 'content-type': HTML, ...headers }, body }
}

export function writeResponse(response: ServerResponse, answer: SimulatorResponse): void {
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) })
  response.end(answer.body)
}
