/**
 * Weekday closures of the KRX equity market, 2015 through 2027, as published by KRX
 * (global.krx.co.kr holiday list) and cross-checked against exchange_calendars' XKRX list.
 * Holidays that fell on a Saturday or Sunday are left out: the weekend closes the market anyway.
 * The year-end closing day (12/31, or the last business day before it) is not listed here;
 * calendar.ts derives it from this table.
 */

export const CLOSURE_TABLE_FIRST_YEAR = 2015
export const CLOSURE_TABLE_LAST_YEAR = 2027

// Names used more than once.
const NEW_YEAR = '신정'
const SEOLLAL = '설날'
const SEOLLAL_SUBSTITUTE = '설날 대체공휴일'
const INDEPENDENCE = '삼일절'
const LABOR = '근로자의날'
const CHILDREN = '어린이날'
const BUDDHA = '부처님오신날'
const MEMORIAL = '현충일'
const LIBERATION = '광복절'
const CHUSEOK = '추석'
const CHUSEOK_SUBSTITUTE = '추석 대체공휴일'
const FOUNDATION = '개천절'
const HANGUL = '한글날'
const CHRISTMAS = '성탄절'
const TEMPORARY = '임시공휴일'

export const KRX_WEEKDAY_CLOSURES: ReadonlyArray<readonly [date: string, name: string]> = [
  // 2015: 설 2/19, 추석 9/27 (Sunday, so 9/29 substitutes), 부처님오신날 5/25
  ['2015-01-01', NEW_YEAR],
  ['2015-02-18', SEOLLAL],
  ['2015-02-19', SEOLLAL],
  ['2015-02-20', SEOLLAL],
  ['2015-05-01', LABOR],
  ['2015-05-05', CHILDREN],
  ['2015-05-25', BUDDHA],
  ['2015-08-14', TEMPORARY],
  ['2015-09-28', CHUSEOK],
  ['2015-09-29', CHUSEOK_SUBSTITUTE],
  ['2015-10-09', HANGUL],
  ['2015-12-25', CHRISTMAS],

  // 2016: 설 2/8 (2/7 Sunday, so 2/10 substitutes), 추석 9/15, 부처님오신날 5/14 (Saturday)
  ['2016-01-01', NEW_YEAR],
  ['2016-02-08', SEOLLAL],
  ['2016-02-09', SEOLLAL],
  ['2016-02-10', SEOLLAL_SUBSTITUTE],
  ['2016-03-01', INDEPENDENCE],
  ['2016-04-13', '국회의원 선거'],
  ['2016-05-05', CHILDREN],
  ['2016-05-06', TEMPORARY],
  ['2016-06-06', MEMORIAL],
  ['2016-08-15', LIBERATION],
  ['2016-09-14', CHUSEOK],
  ['2016-09-15', CHUSEOK],
  ['2016-09-16', CHUSEOK],
  ['2016-10-03', FOUNDATION],

  // 2017: 설 1/28 (1/29 Sunday, so 1/30 substitutes), 추석 10/4 (10/3 overlaps 개천절, so 10/6
  // substitutes), 부처님오신날 5/3
  ['2017-01-27', SEOLLAL],
  ['2017-01-30', SEOLLAL_SUBSTITUTE],
  ['2017-03-01', INDEPENDENCE],
  ['2017-05-01', LABOR],
  ['2017-05-03', BUDDHA],
  ['2017-05-05', CHILDREN],
  ['2017-05-09', '대통령 선거'],
  ['2017-06-06', MEMORIAL],
  ['2017-08-15', LIBERATION],
  ['2017-10-02', TEMPORARY],
  ['2017-10-03', FOUNDATION],
  ['2017-10-04', CHUSEOK],
  ['2017-10-05', CHUSEOK],
  ['2017-10-06', CHUSEOK_SUBSTITUTE],
  ['2017-10-09', HANGUL],
  ['2017-12-25', CHRISTMAS],

  // 2018: 설 2/16, 추석 9/24 (9/23 Sunday, so 9/26 substitutes), 부처님오신날 5/22
  ['2018-01-01', NEW_YEAR],
  ['2018-02-15', SEOLLAL],
  ['2018-02-16', SEOLLAL],
  ['2018-03-01', INDEPENDENCE],
  ['2018-05-01', LABOR],
  ['2018-05-07', '어린이날 대체공휴일'],
  ['2018-05-22', BUDDHA],
  ['2018-06-06', MEMORIAL],
  ['2018-06-13', '지방 선거'],
  ['2018-08-15', LIBERATION],
  ['2018-09-24', CHUSEOK],
  ['2018-09-25', CHUSEOK],
  ['2018-09-26', CHUSEOK_SUBSTITUTE],
  ['2018-10-03', FOUNDATION],
  ['2018-10-09', HANGUL],
  ['2018-12-25', CHRISTMAS],

  // 2019: 설 2/5, 추석 9/13, 부처님오신날 5/12 (Sunday)
  ['2019-01-01', NEW_YEAR],
  ['2019-02-04', SEOLLAL],
  ['2019-02-05', SEOLLAL],
  ['2019-02-06', SEOLLAL],
  ['2019-03-01', INDEPENDENCE],
  ['2019-05-01', LABOR],
  ['2019-05-06', '어린이날 대체공휴일'],
  ['2019-06-06', MEMORIAL],
  ['2019-08-15', LIBERATION],
  ['2019-09-12', CHUSEOK],
  ['2019-09-13', CHUSEOK],
  ['2019-10-03', FOUNDATION],
  ['2019-10-09', HANGUL],
  ['2019-12-25', CHRISTMAS],

  // 2020: 설 1/25 (1/26 Sunday, so 1/27 substitutes), 추석 10/1, 부처님오신날 4/30
  ['2020-01-01', NEW_YEAR],
  ['2020-01-24', SEOLLAL],
  ['2020-01-27', SEOLLAL_SUBSTITUTE],
  ['2020-04-15', '국회의원 선거'],
  ['2020-04-30', BUDDHA],
  ['2020-05-01', LABOR],
  ['2020-05-05', CHILDREN],
  ['2020-08-17', TEMPORARY],
  ['2020-09-30', CHUSEOK],
  ['2020-10-01', CHUSEOK],
  ['2020-10-02', CHUSEOK],
  ['2020-10-09', HANGUL],
  ['2020-12-25', CHRISTMAS],

  // 2021: 설 2/12, 추석 9/21, 부처님오신날 5/19; substitutes extended to 광복절/개천절/한글날 from 2021-08
  ['2021-01-01', NEW_YEAR],
  ['2021-02-11', SEOLLAL],
  ['2021-02-12', SEOLLAL],
  ['2021-03-01', INDEPENDENCE],
  ['2021-05-05', CHILDREN],
  ['2021-05-19', BUDDHA],
  ['2021-08-16', '광복절 대체공휴일'],
  ['2021-09-20', CHUSEOK],
  ['2021-09-21', CHUSEOK],
  ['2021-09-22', CHUSEOK],
  ['2021-10-04', '개천절 대체공휴일'],
  ['2021-10-11', '한글날 대체공휴일'],

  // 2022: 설 2/1, 추석 9/10 (9/11 Sunday, so 9/12 substitutes), 부처님오신날 5/8 (Sunday)
  ['2022-01-31', SEOLLAL],
  ['2022-02-01', SEOLLAL],
  ['2022-02-02', SEOLLAL],
  ['2022-03-01', INDEPENDENCE],
  ['2022-03-09', '대통령 선거'],
  ['2022-05-05', CHILDREN],
  ['2022-06-01', '지방 선거'],
  ['2022-06-06', MEMORIAL],
  ['2022-08-15', LIBERATION],
  ['2022-09-09', CHUSEOK],
  ['2022-09-12', CHUSEOK_SUBSTITUTE],
  ['2022-10-03', FOUNDATION],
  ['2022-10-10', '한글날 대체공휴일'],

  // 2023: 설 1/22 (Sunday, so 1/24 substitutes), 추석 9/29, 부처님오신날 5/27 (Saturday, 5/29 substitutes)
  ['2023-01-23', SEOLLAL],
  ['2023-01-24', SEOLLAL_SUBSTITUTE],
  ['2023-03-01', INDEPENDENCE],
  ['2023-05-01', LABOR],
  ['2023-05-05', CHILDREN],
  ['2023-05-29', '부처님오신날 대체공휴일'],
  ['2023-06-06', MEMORIAL],
  ['2023-08-15', LIBERATION],
  ['2023-09-28', CHUSEOK],
  ['2023-09-29', CHUSEOK],
  ['2023-10-02', TEMPORARY],
  ['2023-10-03', FOUNDATION],
  ['2023-10-09', HANGUL],
  ['2023-12-25', CHRISTMAS],

  // 2024: 설 2/10 (2/11 Sunday, so 2/12 substitutes), 추석 9/17, 부처님오신날 5/15
  ['2024-01-01', NEW_YEAR],
  ['2024-02-09', SEOLLAL],
  ['2024-02-12', SEOLLAL_SUBSTITUTE],
  ['2024-03-01', INDEPENDENCE],
  ['2024-04-10', '국회의원 선거'],
  ['2024-05-01', LABOR],
  ['2024-05-06', '어린이날 대체공휴일'],
  ['2024-05-15', BUDDHA],
  ['2024-06-06', MEMORIAL],
  ['2024-08-15', LIBERATION],
  ['2024-09-16', CHUSEOK],
  ['2024-09-17', CHUSEOK],
  ['2024-09-18', CHUSEOK],
  ['2024-10-01', '국군의날 임시공휴일'],
  ['2024-10-03', FOUNDATION],
  ['2024-10-09', HANGUL],
  ['2024-12-25', CHRISTMAS],

  // 2025: 설 1/29, 추석 10/6 (10/5 Sunday, so 10/8 substitutes), 부처님오신날 5/5 with 어린이날 (5/6 substitutes)
  ['2025-01-01', NEW_YEAR],
  ['2025-01-27', TEMPORARY],
  ['2025-01-28', SEOLLAL],
  ['2025-01-29', SEOLLAL],
  ['2025-01-30', SEOLLAL],
  ['2025-03-03', '삼일절 대체공휴일'],
  ['2025-05-01', LABOR],
  ['2025-05-05', CHILDREN],
  ['2025-05-06', '어린이날·부처님오신날 대체공휴일'],
  ['2025-06-03', '대통령 선거'],
  ['2025-06-06', MEMORIAL],
  ['2025-08-15', LIBERATION],
  ['2025-10-03', FOUNDATION],
  ['2025-10-06', CHUSEOK],
  ['2025-10-07', CHUSEOK],
  ['2025-10-08', CHUSEOK_SUBSTITUTE],
  ['2025-10-09', HANGUL],
  ['2025-12-25', CHRISTMAS],

  // 2026: 설 2/17, 추석 9/25 (9/26 Saturday: no substitute for 설/추석), 부처님오신날 5/24 (Sunday);
  // 5/1 is a public holiday from 2026
  ['2026-01-01', NEW_YEAR],
  ['2026-02-16', SEOLLAL],
  ['2026-02-17', SEOLLAL],
  ['2026-02-18', SEOLLAL],
  ['2026-03-02', '삼일절 대체공휴일'],
  ['2026-05-01', LABOR],
  ['2026-05-05', CHILDREN],
  ['2026-05-25', '부처님오신날 대체공휴일'],
  ['2026-06-03', '지방 선거'],
  ['2026-08-17', '광복절 대체공휴일'],
  ['2026-09-24', CHUSEOK],
  ['2026-09-25', CHUSEOK],
  ['2026-10-05', '개천절 대체공휴일'],
  ['2026-10-09', HANGUL],
  ['2026-12-25', CHRISTMAS],

  // 2027: 설 2/7 in Korea (Sunday, so 2/9 substitutes), 추석 9/15, 부처님오신날 5/13.
  // Projected from the holiday law; KRX publishes the year's list late in 2026.
  ['2027-01-01', NEW_YEAR],
  ['2027-02-08', SEOLLAL],
  ['2027-02-09', SEOLLAL_SUBSTITUTE],
  ['2027-03-01', INDEPENDENCE],
  // 5/1 falls on a Saturday; exchange_calendars applies the substitute rule to it from 2026.
  ['2027-05-03', '근로자의날 대체공휴일'],
  ['2027-05-05', CHILDREN],
  ['2027-05-13', BUDDHA],
  ['2027-08-16', '광복절 대체공휴일'],
  ['2027-09-14', CHUSEOK],
  ['2027-09-15', CHUSEOK],
  ['2027-09-16', CHUSEOK],
  ['2027-10-04', '개천절 대체공휴일'],
  ['2027-10-11', '한글날 대체공휴일'],
  ['2027-12-27', '성탄절 대체공휴일'],
]
