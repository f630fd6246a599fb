import { randomBytes } from 'node:crypto'

/**
 * Servlet-style sessions keyed by the JSESSIONID cookie. A session exists from the first page
 * visit; it can read data only after a member logged in on it.
 */

export const SESSION_COOKIE = 'JSESSIONID'

export interface Session {
  id: string
  memberId: string | undefined
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>()

  get(id: string | undefined): Session | undefined {
    return id === undefined ? undefined : this.sessions.get(id)
  }

  create(): Session {
    const session: Session = { id: randomBytes(16).toString('hex').toUpperCase(), memberId: undefined }
    this.sessions.set(session.id, session)
    return session
  }

  isLoggedIn(id: string | undefined): boolean {
    return this.get(id)?.memberId !== undefined
  }

  invalidate(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id)
  }

  invalidateAll(): void {
    this.sessions.clear()
  }
}

export function sessionCookie(session: Session): string {
  return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly`
}
