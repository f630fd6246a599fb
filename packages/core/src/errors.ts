/**
 * Small typed errors for domain boundaries. `retryable` tells callers (p-retry, the
 * scheduler, backfill) whether trying again can help, so that decision lives with the
 * code that understands the failure.
 */
export class MarketDataError extends Error {
  readonly retryable: boolean

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.retryable = options.retryable
  }
}

/** A required setting is missing or malformed; nothing can run until it is fixed. */
export class ConfigError extends MarketDataError {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`, { retryable: false })
    this.problems = problems
  }
}

/** The source did not answer usefully (5xx, timeout, network, maintenance page). */
export class SourceUnavailableError extends MarketDataError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { retryable: options.retryable ?? true, cause: options.cause })
  }
}

/** The source asked us to slow down (HTTP 429 or a rate-limit answer in the body). */
export class RateLimitedError extends MarketDataError {
  readonly retryAfterMs: number | undefined

  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { retryable: true, cause: options.cause })
    this.retryAfterMs = options.retryAfterMs
  }
}

/** The source answered with something that does not match its documented shape. */
export class SchemaViolationError extends MarketDataError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause })
  }
}

/** Credentials were refused; retrying with the same ones cannot help. */
export class AuthenticationError extends MarketDataError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause })
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof MarketDataError ? error.retryable : false
}

/**
 * The source answered a trading day with no rows. Never a success: the market traded, so the
 * answer is short (a glitch, a session that expired, a screen not yet published); worth
 * retrying later and worth asking the next source now.
 */
export class EmptyAnswerError extends MarketDataError {
  constructor(message: string) {
    super(message, { retryable: true })
  }
}
