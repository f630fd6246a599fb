/**
 * Naver Finance pages this package reads, relative to `NAVER_BASE_URL` so the source simulator
 * can stand in for finance.naver.com. Both are EUC-KR HTML, paged newest first.
 */
export const NAVER_PATHS = {
  /** 일별시세: date, close, change, open, high, low, volume; 10 days a page. */
  dailyPrices: '/item/sise_day.naver',
  /** 외국인·기관 순매매: date, close, change, rate, volume, 기관 and 외국인 net volume, foreign holdings; 20 days a page. */
  investorNetVolumes: '/item/frgn.naver',
} as const

export const NAVER_ROWS_PER_PAGE = {
  [NAVER_PATHS.dailyPrices]: 10,
  [NAVER_PATHS.investorNetVolumes]: 20,
} as const

export type NaverPagePath = (typeof NAVER_PATHS)[keyof typeof NAVER_PATHS]
