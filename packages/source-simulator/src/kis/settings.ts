/**
 * What a test can change about the simulated KIS gateway. Every default is KIS's documented
 * behaviour where one is documented; the others are marked as this simulator's choice.
 */
export interface KisSimulatorSettings {
  /** App key → app secret accepted by the gateway. */
  apps: Record<string, string>
  /**
   * How long an issued token is accepted. The token answer still says `expires_in: 86400`, as
   * KIS does, so a short value makes a token expire under a client that believes it valid.
   */
  tokenTtlMs: number
  /** A second issuance for the same app key within this interval answers EGW00133 (KIS: one a minute). */
  tokenIssueIntervalMs: number
  /** Requests per second and app key on `/uapi/`; above it EGW00201 (KIS: 20 real, 2 mock). */
  requestsPerSecond: number
  /** HTTP status of the EGW00123 (expired token) answer; this simulator's default is 500, KIS also sends it with 200. */
  expiredTokenStatus: number
  /** Rows per FHPTJ04160001 page (this simulator's choice; KIS does not document it). */
  investorPageSize: number
  /** Sessions FHPTJ04160001 reaches back from FID_INPUT_DATE_1 over all its pages (this simulator's choice). */
  investorHistorySessions: number
  /** Calendar days per CTCA0903R page (23, as the recorded page from 20221227 to the next key 20230119). */
  holidayPageDays: number
  /** Calendar days CTCA0903R covers from BASS_DT over all its pages (this simulator's choice). */
  holidayHorizonDays: number
}

export const DEFAULT_KIS_APP_KEY = 'demo-kis-app-key'
export const DEFAULT_KIS_APP_SECRET = 'demo-kis-app-secret'

export function defaultKisSettings(): KisSimulatorSettings {
  return {
    apps: { [DEFAULT_KIS_APP_KEY]: DEFAULT_KIS_APP_SECRET },
    tokenTtlMs: 86_400_000,
    tokenIssueIntervalMs: 60_000,
    requestsPerSecond: 20,
    expiredTokenStatus: 500,
    investorPageSize: 30,
    investorHistorySessions: 100,
    holidayPageDays: 23,
    holidayHorizonDays: 370,
  }
}
