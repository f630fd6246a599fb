import type { FaultController } from '../faults.ts'
import { htmlResponse, type ParsedRequest, type SimulatorResponse } from '../http-io.ts'
import { SESSION_COOKIE, sessionCookie, type Session, type SessionStore } from '../sessions.ts'

/**
 * The members' login of the KRX Data Marketplace, as pykrx and fdr_krx_data_cache drive it:
 * open MDCCOMS001.cmd (session cookie), open login.jsp, post the credentials to MDCCOMS001D1.cmd.
 */

export const LOGIN_PAGE_PATH = '/contents/MDC/COMS/client/MDCCOMS001.cmd'
export const LOGIN_FORM_PATH = '/contents/MDC/COMS/client/view/login.jsp'
export const LOGIN_PATH = '/contents/MDC/COMS/client/MDCCOMS001D1.cmd'

/** Answer codes in `_error_code`. CD001/CD011 are KRX's; CD002 for a wrong id or password is this simulator's choice. */
export const LOGIN_OK = 'CD001'
export const LOGIN_WRONG_CREDENTIALS = 'CD002'
export const LOGIN_DUPLICATE = 'CD011'

const MESSAGES: Record<string, string> = {
  [LOGIN_OK]: '로그인 되었습니다.',
  [LOGIN_WRONG_CREDENTIALS]: '아이디 또는 비밀번호가 일치하지 않습니다',
  [LOGIN_DUPLICATE]: '이미 다른 곳에서 로그인 중입니다. 기존 접속을 종료하고 로그인하시겠습니까?',
}

export interface LoginContext {
  sessions: SessionStore
  faults: FaultController
  members: Readonly<Record<string, string>>
}

export function answerLoginRequest(request: ParsedRequest, context: LoginContext): SimulatorResponse | undefined {
  if (request.path === LOGIN_PAGE_PATH || request.path === LOGIN_FORM_PATH) {
    const { setCookie } = ensureSession(request, context.sessions)
    return htmlResponse(200, request.path === LOGIN_PAGE_PATH ? PAGE : LOGIN_FORM, setCookie)
  }
  if (request.path === LOGIN_PATH && request.method === 'POST') {
    const { session, setCookie } = ensureSession(request, context.sessions)
    const code = logIn(session, request.form, context)
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', ...setCookie },
      body: JSON.stringify({ _error_code: code, _error_message: MESSAGES[code] }),
    }
  }
  return undefined
}

function logIn(session: Session, form: Record<string, string>, { members, faults }: LoginContext): string {
  const memberId = form.mbrId ?? ''
  if (!Object.hasOwn(members, memberId) || members[memberId] !== (form.pw ?? '')) return LOGIN_WRONG_CREDENTIALS
  if (faults.isLoggedInElsewhere(memberId)) {
    if (form.skipDup !== 'Y') return LOGIN_DUPLICATE
    faults.takeOverDuplicateLogin(memberId)
  }
  session.memberId = memberId
  return LOGIN_OK
}

/** The request's session, or a new one with the cookie that names it. */
function ensureSession(request: ParsedRequest, sessions: SessionStore): { session: Session; setCookie: Record<string, string> } {
  const existing = sessions.get(request.cookies[SESSION_COOKIE])
  if (existing) return { session: existing, setCookie: {} }
  const session = sessions.create()
  return { session, setCookie: { 'set-cookie': sessionCookie(session) } }
}

const PAGE = `<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>KRX Data Marketplace</title></head>
<body><iframe src="/contents/MDC/COMS/client/view/login.jsp?site=mdc"></iframe></body></html>
`

const LOGIN_FORM = `<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>로그인</title></head>
<body><form method="post" action="/contents/MDC/COMS/client/MDCCOMS001D1.cmd">
<input name="mbrId"><input name="pw" type="password"><button>로그인</button>
</form></body></html>
`
