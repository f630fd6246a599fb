import type { TradeDate } from '@kmd/core'

/**
 * How the KRX portal writes values: numbers as strings with thousands separators and a leading
 * minus ("-1,700"), rates with two decimals, "-" where there is no value, dates as YYYYMMDD in
 * requests, and a "2026.01.25 PM 08:27:14" server time in every answer.
 */

export const NO_VALUE = '-'

export function formatNumber(value: number | bigint): string {
  const text = String(value)
  const negative = text.startsWith('-')
  let digits = negative ? text.slice(1) : text
  let grouped = ''
  while (digits.length > 3) {
    grouped = `,${digits.slice(-3)}${grouped}`
    digits = digits.slice(0, -3)
  }
  return (negative ? '-' : '') + digits + grouped
}

export function formatRate(percent: number): string {
  const text = percent.toFixed(2)
  return text === '-0.00' ? '0.00' : text
}

/** `20210104` → `2021-01-04`; undefined for anything that is not a real YYYYMMDD date. */
export function parseCompactDate(text: string | undefined): TradeDate | undefined {
  if (text === undefined || !/^\d{8}$/.test(text)) return undefined
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`
  const parsed = new Date(`${iso}T00:00:00Z`)
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso ? undefined : iso
}

/** KRX's CURRENT_DATETIME: Korean time, 12-hour clock, e.g. `2026.01.25 PM 08:27:14`. */
export function krxDateTime(now: Date): string {
  const kst = new Date(now.getTime() + 9 * 3_600_000)
  const pad = (value: number) => String(value).padStart(2, '0')
  const hours = kst.getUTCHours()
  const hour12 = hours % 12 === 0 ? 12 : hours % 12
  return (
    `${kst.getUTCFullYear()}.${pad(kst.getUTCMonth() + 1)}.${pad(kst.getUTCDate())} ` +
    `${hours < 12 ? 'AM' : 'PM'} ${pad(hour12)}:${pad(kst.getUTCMinutes())}:${pad(kst.getUTCSeconds())}`
  )
}

/** The JSON text of an answer: the rows under the screen's key, then CURRENT_DATETIME, like KRX. */
export function jsonEnvelope(dataKey: string, rowsJson: string, now: Date): string {
  return `{${JSON.stringify(dataKey)}:${rowsJson},"CURRENT_DATETIME":${JSON.stringify(krxDateTime(now))}}`
}
