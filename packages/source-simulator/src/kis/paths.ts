/**
 * The KIS Developers endpoints the simulator answers, with their tr_id (same for the real and
 * the mock environment for quotes). FHPTJ04160001, CTCA0903R and FHKST03010230 exist in the real environment only.
 */
export const KIS_TOKEN_PATH = '/oauth2/tokenP'

export const KIS_ROUTES = {
  dailyChart: { path: '/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice', trId: 'FHKST03010100' },
  investorDaily: { path: '/uapi/domestic-stock/v1/quotations/investor-trade-by-stock-daily', trId: 'FHPTJ04160001' },
  holidays: { path: '/uapi/domestic-stock/v1/quotations/chk-holiday', trId: 'CTCA0903R' },
  investorRecent: { path: '/uapi/domestic-stock/v1/quotations/inquire-investor', trId: 'FHKST01010900' },
  pastMinuteBars: { path: '/uapi/domestic-stock/v1/quotations/inquire-time-dailychartprice', trId: 'FHKST03010230' },
  todayMinuteBars: { path: '/uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice', trId: 'FHKST03010200' },
} as const

export type KisRouteName = keyof typeof KIS_ROUTES

/** Whether a request path belongs to the KIS part of the simulator. */
export function isKisPath(path: string): boolean {
  return path.startsWith('/oauth2/') || path.startsWith('/uapi/')
}
