import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { KRX_PATHS } from '../src/index.ts'

/** A fault the fake serves instead of the next screen answer. */
export type ScreenFault = 'logout' | 'logout-404' | 'maintenance' | 'truncated' | 'wrong-key'

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  form: Record<string, string>
}

export interface FakeKrxOptions {
  memberId?: string
  memberPassword?: string
  /** `_error_code` of each login POST in turn; afterwards CD001. */
  loginReplies?: Array<{ code: string; message?: string }>
  /** Rows of a screen answer, by the request form. */
  rows?: (form: Record<string, string>) => Array<Record<string, string>>
}

/**
 * Just enough of data.krx.co.kr to exercise the session and client: the three login steps
 * with a JSESSIONID cookie, and the screen endpoint that answers LOGOUT without a logged-in
 * cookie. Faults are queued and served in order.
 */
export async function startFakeKrx(options: FakeKrxOptions = {}) {
  const memberId = options.memberId ?? 'member'
  const memberPassword = options.memberPassword ?? 'p@ss-word!'
  const loginReplies = [...(options.loginReplies ?? [])]
  const faults: ScreenFault[] = []
  const requests: RecordedRequest[] = []
  const loggedIn = new Set<string>()
  let sessionCounter = 0
  let logoutAlways = false

  const sessionOf = (request: IncomingMessage) => /JSESSIONID=([^;]+)/.exec(request.headers.cookie ?? '')?.[1]

  const handle = (request: IncomingMessage, response: ServerResponse, form: Record<string, string>) => {
    const path = (request.url ?? '').split('?')[0]
    if (request.method === 'GET' && path === KRX_PATHS.loginPage) {
      sessionCounter += 1
      response.setHeader('set-cookie', `JSESSIONID=session-${sessionCounter}; Path=/`)
      return response.end('<html>login page</html>')
    }
    if (request.method === 'GET' && path === KRX_PATHS.loginForm.split('?')[0]) return response.end('<html>login form</html>')
    if (request.method === 'POST' && path === KRX_PATHS.login) {
      const reply = loginReplies.shift() ?? { code: 'CD001' }
      const credentialsMatch = form.mbrId === memberId && form.pw === memberPassword
      const code = reply.code === 'CD001' && !credentialsMatch ? 'CD999' : reply.code
      const session = sessionOf(request)
      if (code === 'CD001' && session) loggedIn.add(session)
      response.setHeader('content-type', 'text/html; charset=utf-8')
      return response.end(JSON.stringify({ _error_code: code, _error_message: reply.message ?? `code ${code}` }))
    }
    if (request.method === 'POST' && path === KRX_PATHS.data) {
      const session = sessionOf(request)
      const fault = faults.shift()
      if (logoutAlways || fault === 'logout' || !session || !loggedIn.has(session)) {
        response.writeHead(400)
        return response.end('LOGOUT')
      }
      if (fault === 'logout-404') {
        response.writeHead(404)
        return response.end('LOGOUT')
      }
      response.setHeader('content-type', 'text/html; charset=utf-8')
      if (fault === 'maintenance') return response.end('<!DOCTYPE html><html><body>서비스 제공 불가능 - 일시적 접근 불안정</body></html>')
      const key = form.bld?.endsWith('MDCSTAT01501') ? 'OutBlock_1' : 'output'
      const body = JSON.stringify({ [fault === 'wrong-key' ? 'block1' : key]: options.rows?.(form) ?? [], CURRENT_DATETIME: '2021.01.04 PM 06:00:00' })
      return response.end(fault === 'truncated' ? body.slice(0, Math.floor(body.length / 2)) : body)
    }
    response.writeHead(404)
    response.end('not found')
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()))
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, form })
      handle(request, response, form)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    baseUrl,
    memberId,
    memberPassword,
    requests,
    /** Screen requests only, in order. */
    screenRequests: () => requests.filter((request) => request.path === KRX_PATHS.data),
    loginPosts: () => requests.filter((request) => request.path === KRX_PATHS.login),
    queueFaults: (...next: ScreenFault[]) => faults.push(...next),
    /** Ends every session, as KRX does when one expires. */
    expireSessions: () => loggedIn.clear(),
    /** Answers LOGOUT to every screen request, logged in or not. */
    refuseAllScreens: () => (logoutAlways = true),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type FakeKrx = Awaited<ReturnType<typeof startFakeKrx>>
