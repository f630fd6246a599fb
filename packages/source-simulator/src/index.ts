export { startSimulator, type RecordedRequest, type RunningSimulator } from './server.ts'
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
