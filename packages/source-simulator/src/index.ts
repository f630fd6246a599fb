export { startSimulator, type RecordedRequest, type RunningSimulator } from './server.ts'
// The market itself, for benchmarks that need its rows in bulk without a wire (minute bars).
export { SyntheticMarket, type MarketSession } from './krx/synthetic-market.ts'
export type { MinuteBar } from './krx/minute-bars.ts'
export { runSimulatorInForeground } from './foreground.ts'
export { DEFAULT_MEMBERS, DEFAULT_SEED, DEFAULT_STOCK_COUNT, type SimulatorOptions } from './options.ts'
export {
  FAULT_KINDS,
  FaultController,
  type AppliedFault,
  type FaultKind,
  type FaultMatch,
  type FaultSpec,
  type PendingFault,
} from './faults.ts'
export { LOGIN_DUPLICATE, LOGIN_FORM_PATH, LOGIN_OK, LOGIN_PAGE_PATH, LOGIN_PATH, LOGIN_WRONG_CREDENTIALS } from './krx/login-routes.ts'
export { DATA_PATH } from './faults.ts'
export {
  CASH_LINE,
  DEFAULT_INFOMAX_TOKEN,
  INFOMAX_ERRORS,
  INFOMAX_INDEXES,
  INFOMAX_INVESTOR_LABELS,
  INFOMAX_PATHS,
  type AppliedInfomaxQuirk,
  type InfomaxControls,
  type InfomaxQuirk,
  type InfomaxRateLimit,
  type InfomaxSimulatorOptions,
} from './infomax/index.ts'
export { LOOPBACK_INFOMAX_RATE_LIMIT, simulatorEnvironment } from './environment.ts'
export { DEFAULT_KIS_APP_KEY, DEFAULT_KIS_APP_SECRET, type KisSimulatorSettings } from './kis/settings.ts'
export { KIS_ROUTES, KIS_TOKEN_PATH } from './kis/paths.ts'
export type { KisSimulatorControl } from './kis/routes.ts'
export type { IssuedToken } from './kis/tokens.ts'
