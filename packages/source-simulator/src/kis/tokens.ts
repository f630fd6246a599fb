import { randomBytes } from 'node:crypto'

/** One issued access token, for tests to count issuances and to look for leaks. */
export interface IssuedToken {
  appKey: string
  accessToken: string
  issuedAt: number
  expiresAt: number
}

/** The tokens the simulated gateway has issued, and whether one is still good. */
export class KisTokenRegistry {
  readonly issued: IssuedToken[] = []
  private readonly byToken = new Map<string, IssuedToken>()

  /** The last issuance for an app key, if any. */
  lastIssuedFor(appKey: string): IssuedToken | undefined {
    return this.issued.findLast((token) => token.appKey === appKey)
  }

  issue(appKey: string, ttlMs: number, now: number, accessToken = newToken()): IssuedToken {
    const token = { appKey, accessToken, issuedAt: now, expiresAt: now + ttlMs }
    this.issued.push(token)
    this.byToken.set(accessToken, token)
    return token
  }

  find(accessToken: string): IssuedToken | undefined {
    return this.byToken.get(accessToken)
  }

  /** Ends the life of every token issued so far, as if a day had passed. */
  expireAll(now: number): void {
    for (const token of this.issued) token.expiresAt = Math.min(token.expiresAt, now)
  }

  /** Forgets every token and issuance (between tests). */
  clear(): void {
    this.issued.length = 0
    this.byToken.clear()
  }
}

// Shaped like KIS's (a JWT), random so a test can tell tokens apart and search logs for them.
function newToken(): string {
  const part = () => randomBytes(24).toString('base64url')
  return `eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.${part()}.${part()}`
}
