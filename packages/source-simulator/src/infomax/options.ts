/**
 * How the Infomax routes behave. Every default follows what public clients report about the
 * real service (see shared/sources/README.md section D); none of it is verified against the
 * vendor's own document.
 */
export interface InfomaxRateLimit {
  /** Requests accepted per token within one window. */
  maxRequests: number
  windowMs: number
}

export interface InfomaxSimulatorOptions {
  /** Bearer tokens the routes accept (default: `demo-infomax-token`). */
  tokens?: readonly string[]
  /** Requests per token and window before HTTP 429; `false` lifts the limit (tests). Default 60 per minute. */
  rateLimit?: InfomaxRateLimit | false
  /** Most rows `/api/stock/code` answers with (one client reports a cap of 1,000). */
  codeListCap?: number
  /** Longest `startDate`..`endDate` span of a history request, in calendar days (30). */
  maxHistoryDays?: number
}

export const DEFAULT_INFOMAX_TOKEN = 'demo-infomax-token'
export const DEFAULT_INFOMAX_RATE_LIMIT: InfomaxRateLimit = { maxRequests: 60, windowMs: 60_000 }
export const DEFAULT_CODE_LIST_CAP = 1_000
export const DEFAULT_MAX_HISTORY_DAYS = 30
