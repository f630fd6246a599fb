import { tradingDaysBetween, type CanonicalRecord, type TradeDate } from '@kmd/core'

/**
 * Reading a date range from Naver's pages, which run newest first, a fixed number of days per
 * page, without any way to ask for a date. Page 1 tells the newest day; the KRX calendar
 * estimates how many pages back the range starts, so a range a year ago costs a few requests
 * rather than one per page in between. An estimate that lands too far back is corrected by
 * stepping forward; the range is then read page by page towards older days.
 */

export interface DatedPage<V> {
  records: Array<CanonicalRecord<V>>
  lastPage: number
}

export interface RangeRead<V> {
  /** Records dated within the range (and any whose date did not parse, so none is lost), oldest first. */
  records: Array<CanonicalRecord<V>>
  pagesRead: number
}

export async function readDateRange<V extends { time: TradeDate | null }>(
  fetchPage: (page: number) => Promise<DatedPage<V>>,
  range: { from: TradeDate; to: TradeDate },
  rowsPerPage: number,
): Promise<RangeRead<V>> {
  const pages = new Map<number, DatedPage<V>>()
  const read = async (page: number): Promise<DatedPage<V>> => {
    let found = pages.get(page)
    if (!found) {
      found = await fetchPage(page)
      pages.set(page, found)
    }
    return found
  }
  const datesOf = (page: DatedPage<V>) => page.records.map((record) => record.values.time).filter((time): time is TradeDate => time !== null)
  const newest = (page: DatedPage<V>) => datesOf(page).reduce<TradeDate | undefined>((a, b) => (a === undefined || b > a ? b : a), undefined)
  const oldest = (page: DatedPage<V>) => datesOf(page).reduce<TradeDate | undefined>((a, b) => (a === undefined || b < a ? b : a), undefined)

  let number = 1
  let page = await read(number)
  let lastPage = page.lastPage

  // Jump back while the whole page is newer than the range.
  for (let oldestDay = oldest(page); oldestDay !== undefined && oldestDay > range.to && number < lastPage; oldestDay = oldest(page)) {
    const daysBetween = Math.max(0, tradingDaysBetween(range.to, oldestDay).length - 2)
    number = Math.min(lastPage, number + Math.max(1, Math.floor(daysBetween / rowsPerPage)))
    page = await read(number)
    lastPage = Math.max(lastPage, page.lastPage)
  }
  // Step forward while the page is older than the range's end (the estimate went too far).
  for (let newestDay = newest(page); number > 1 && (newestDay === undefined || newestDay < range.to); newestDay = newest(page)) {
    const previous = await read(number - 1)
    const previousOldest = oldest(previous)
    if (previousOldest !== undefined && previousOldest > range.to) break
    number -= 1
    page = previous
  }

  const records: Array<CanonicalRecord<V>> = []
  for (;;) {
    for (const record of page.records) {
      const time = record.values.time
      if (time === null || (time >= range.from && time <= range.to)) records.push(record)
    }
    const oldestDay = oldest(page)
    if (page.records.length === 0 || number >= lastPage || (oldestDay !== undefined && oldestDay <= range.from)) break
    number += 1
    page = await read(number)
    lastPage = Math.max(lastPage, page.lastPage)
  }
  records.sort((a, b) => (a.values.time ?? '').localeCompare(b.values.time ?? ''))
  return { records, pagesRead: pages.size }
}
