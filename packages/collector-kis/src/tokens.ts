import type { Logger } from '@kmd/core'
import type { KisToken, KisTokenCache } from './token-cache.ts'

export interface KisTokensOptions {
  /** A token this close to its expiry is replaced before use; default 5 minutes. */
  refreshMarginMs?: number
  logger?: Logger
}

const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000

/**
 * The access token a client sends: kept in memory, shared through the on-disk cache with other
 * processes, and issued only when neither holds a usable one. Concurrent callers share one
 * pending issuance. `renew(stale)` replaces a token KIS refused; when another caller or process
 * has already replaced it, their token is used instead of issuing again.
 */
export class KisTokens {
  #current: KisToken | undefined
  #pending: Promise<KisToken> | undefined
  private readonly refreshMarginMs: number

  constructor(
    private readonly issue: () => Promise<KisToken>,
    private readonly cache: KisTokenCache | undefined,
    private readonly options: KisTokensOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS
  }

  /** A token to send. */
  async token(): Promise<string> {
    if (this.#usable(this.#current)) return this.#current.accessToken
    return (await this.#obtain(undefined)).accessToken
  }

  /** A token other than `stale`, which KIS refused. */
  async renew(stale: string): Promise<string> {
    const current = this.#current
    if (current && current.accessToken !== stale && this.#usable(current)) return current.accessToken
    return (await this.#obtain(stale)).accessToken
  }

  #usable(token: KisToken | undefined): token is KisToken {
    return token !== undefined && token.expiresAt - this.refreshMarginMs > Date.now()
  }

  #obtain(stale: string | undefined): Promise<KisToken> {
    this.#pending ??= this.#load(stale)
      .then((token) => (this.#current = token))
      .finally(() => (this.#pending = undefined))
    return this.#pending
  }

  async #load(stale: string | undefined): Promise<KisToken> {
    const acceptable = (token: KisToken | undefined): token is KisToken => this.#usable(token) && token.accessToken !== stale
    const cache = this.cache
    if (cache === undefined) return this.#issue(stale)
    const cached = await cache.read()
    if (acceptable(cached)) return cached
    return cache.withLock(async () => {
      // Whoever held the lock before us may have just issued one.
      const fresh = await cache.read()
      if (acceptable(fresh)) return fresh
      const token = await this.#issue(stale)
      await cache.write(token)
      return token
    })
  }

  async #issue(stale: string | undefined): Promise<KisToken> {
    this.options.logger?.info({ source: 'kis', reason: stale === undefined ? 'no usable token' : 'token refused' }, 'issuing a KIS access token')
    return this.issue()
  }
}
