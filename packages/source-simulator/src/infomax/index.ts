/**
 * Yonhap Infomax API routes (`GET /api/...`), answered from the same synthetic market as the
 * KRX routes. See the package README for what is the vendor's and what is this simulator's choice.
 */
export { InfomaxRoutes, INFOMAX_PATHS, type InfomaxControls, type InfomaxRouteDependencies } from './routes.ts'
export { InfomaxQuirks, type AppliedInfomaxQuirk, type InfomaxQuirk, type InfomaxQuirkKind } from './quirks.ts'
export { INFOMAX_ERRORS } from './envelope.ts'
export { INFOMAX_INDEXES, type InfomaxIndexCode } from './index-membership.ts'
export { INFOMAX_INVESTOR_LABELS } from './investor-labels.ts'
export { CASH_LINE } from './etf-universe.ts'
export {
  DEFAULT_CODE_LIST_CAP,
  DEFAULT_INFOMAX_RATE_LIMIT,
  DEFAULT_INFOMAX_TOKEN,
  DEFAULT_MAX_HISTORY_DAYS,
  type InfomaxRateLimit,
  type InfomaxSimulatorOptions,
} from './options.ts'
