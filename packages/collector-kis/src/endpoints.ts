/**
 * The KIS Developers REST endpoints used here, with their tr_id. Quote tr_ids are the same in
 * the real and the mock (모의투자) environment; some APIs exist in the real one only.
 */
export const KIS_TOKEN_PATH = '/oauth2/tokenP'

export interface KisApi {
  name: string
  path: string
  trId: string
  /** Offered by the real environment only (KIS_ENV=mock cannot call it). */
  realOnly: boolean
}

export const KIS_APIS = {
  /** 국내주식기간별시세(일/주/월/년): at most 100 rows per call, no tr_cont paging. */
  dailyChart: { name: 'daily chart', path: '/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice', trId: 'FHKST03010100', realOnly: false },
  /** 종목별 투자자매매동향(일별): pageable with tr_cont. */
  investorDaily: { name: 'investor flows by stock and day', path: '/uapi/domestic-stock/v1/quotations/investor-trade-by-stock-daily', trId: 'FHPTJ04160001', realOnly: true },
  /** 국내휴장일조회: paged with CTX_AREA_NK/FK and tr_cont; KIS asks for about one call a day. */
  holidays: { name: 'holiday calendar', path: '/uapi/domestic-stock/v1/quotations/chk-holiday', trId: 'CTCA0903R', realOnly: true },
  /** 주식일별분봉조회: a past session's minute bars, at most 120 per call, paged by time; about a year kept. */
  pastMinuteBars: { name: 'minute bars of a past session', path: '/uapi/domestic-stock/v1/quotations/inquire-time-dailychartprice', trId: 'FHKST03010230', realOnly: true },
  /** 주식당일분봉조회: today's minute bars, at most 30 per call, paged by time. */
  todayMinuteBars: { name: "today's minute bars", path: '/uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice', trId: 'FHKST03010200', realOnly: false },
} as const satisfies Record<string, KisApi>

export const DAILY_CHART_MAX_ROWS = 100
export const PAST_MINUTE_BARS_MAX_ROWS = 120
export const TODAY_MINUTE_BARS_MAX_ROWS = 30

/** FID_COND_MRKT_DIV_CODE for KRX's own market (J), not NXT (NX) or both combined (UN). */
export const KRX_MARKET_CODE = 'J'
