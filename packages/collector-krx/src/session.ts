import { AuthenticationError, ConfigError, SchemaViolationError, type HttpClient, type Logger } from '@kmd/core'
import { KRX_PATHS } from './endpoints.ts'
import { jsonAnswerCheck } from './responses.ts'

export interface KrxCredentials {
  memberId: string | undefined
  memberPassword: string | undefined
}

const LOGIN_SUCCEEDED = 'CD001'
const ALREADY_LOGGED_IN_ELSEWHERE = 'CD011'

interface LoginReply {
  code: string
  message: string
}

/**
 * A logged-in session on the KRX data portal, kept in the HTTP client's cookie jar. KRX made
 * the portal members-only in 2026; without a session every screen answers `LOGOUT`.
 *
 * Each successful login starts a new generation. A request that was refused with LOGOUT
 * passes the generation it ran under to `renew`, so that many requests refused at once
 * cause one login, not one each.
 */
export class KrxSession {
  #generation = 0
  #pendingLogin: Promise<number> | undefined

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: KrxCredentials,
    private readonly logger?: Logger,
  ) {}

  get generation(): number {
    return this.#generation
  }

  /** Logs in unless already logged in; resolves to the live generation. */
  ensureLoggedIn(): Promise<number> {
    return this.#generation > 0 ? Promise.resolve(this.#generation) : this.#loginOnce()
  }

  /** Logs in again after KRX dropped the session of `staleGeneration`, unless someone already did. */
  renew(staleGeneration: number): Promise<number> {
    return this.#generation > staleGeneration ? Promise.resolve(this.#generation) : this.#loginOnce()
  }

  #loginOnce(): Promise<number> {
    this.#pendingLogin ??= this.#login()
      .then(() => {
        this.#generation += 1
        this.logger?.info({ source: 'krx', generation: this.#generation }, 'logged in to the KRX data portal')
        return this.#generation
      })
      .finally(() => {
        this.#pendingLogin = undefined
      })
    return this.#pendingLogin
  }

  async #login(): Promise<void> {
    const { memberId, memberPassword } = this.credentials
    if (!memberId || !memberPassword) {
      throw new ConfigError(
        [!memberId && 'KRX_MEMBER_ID', !memberPassword && 'KRX_MEMBER_PASSWORD']
          .filter((name): name is string => typeof name === 'string')
          .map((name) => `${name}: required, the KRX data portal answers only logged-in members (missing)`),
      )
    }

    // The same three steps as the site's own login, so the session cookies are the ones it expects.
    const loginPageUrl = this.http.urlFor(KRX_PATHS.loginPage)
    await this.http.get(KRX_PATHS.loginPage)
    await this.http.get(KRX_PATHS.loginForm, { headers: { referer: loginPageUrl } })

    const form = { mbrNm: '', telNo: '', di: '', certType: '', mbrId: memberId, pw: memberPassword }
    let reply = await this.#postLogin(form, loginPageUrl)
    if (reply.code === ALREADY_LOGGED_IN_ELSEWHERE) {
      // Another client holds a session for this member; KRX lets the new login take over.
      reply = await this.#postLogin({ ...form, skipDup: 'Y' }, loginPageUrl)
    }
    if (reply.code !== LOGIN_SUCCEEDED) {
      const message = reply.message.split(memberPassword).join('***')
      throw new AuthenticationError(`krx POST ${KRX_PATHS.login}: login refused with ${reply.code}${message ? ` (${message})` : ''}`)
    }
  }

  async #postLogin(form: Record<string, string>, referer: string): Promise<LoginReply> {
    let answer: unknown
    await this.http.postForm(KRX_PATHS.login, form, {
      headers: { referer },
      checkResponse: jsonAnswerCheck(`krx POST ${KRX_PATHS.login}`, (parsed) => (answer = parsed)),
    })
    const reply = (answer ?? {}) as Record<string, unknown>
    const code = reply._error_code
    if (typeof code !== 'string') {
      const keys = typeof answer === 'object' && answer !== null ? Object.keys(answer).join(', ') : typeof answer
      throw new SchemaViolationError(`krx POST ${KRX_PATHS.login}: login reply has no _error_code (got ${keys || 'nothing'})`)
    }
    return { code, message: typeof reply._error_message === 'string' ? reply._error_message : '' }
  }
}
