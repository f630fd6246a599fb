import type { TradeDate } from '@kmd/core'
import { formatNumber } from '../krx/wire-format.ts'
import { changeCell, dateCell, numberCell, pageNavigation, pageShell, rowsInGroupsOfFive, ROW_OPEN } from './page-html.ts'
import type { NaverStockHistory } from './stock-history.ts'

/**
 * `/item/sise_day.naver?code=&page=`: ten days a page, newest first: 날짜 종가 전일비 시가 고가
 * 저가 거래량. A day without trades shows the previous close and zeros, as Naver does. An
 * unknown code or a page past the last shows the table without rows.
 */
export const DAILY_PRICE_PATH = '/item/sise_day.naver'
export const DAILY_PRICE_ROWS_PER_PAGE = 10

const HEADER = ['날짜', '종가', '전일비', '시가', '고가', '저가', '거래량'].map((name) => `<th>${name}</th>`).join('\n')

export function dailyPricePage(history: NaverStockHistory, code: string, page: number, today: TradeDate): string {
  const stock = history.stock(code)
  const days = stock ? history.days(today) : []
  const lastPage = Math.max(1, Math.ceil(days.length / DAILY_PRICE_ROWS_PER_PAGE))
  const rows = stock
    ? days.slice((page - 1) * DAILY_PRICE_ROWS_PER_PAGE, page * DAILY_PRICE_ROWS_PER_PAGE).map((date) => {
        const quote = history.quote(stock, date)
        const limit = quote.fluctuation === '4' ? 'upper' : quote.fluctuation === '5' ? 'lower' : undefined
        return [
          ROW_OPEN,
          dateCell(date),
          numberCell(formatNumber(quote.close)),
          changeCell(quote.close - quote.previousClose, limit),
          numberCell(formatNumber(quote.open)),
          numberCell(formatNumber(quote.high)),
          numberCell(formatNumber(quote.low)),
          numberCell(formatNumber(quote.volume)),
          '</tr>',
        ].join('\n')
      })
    : []
  const table = `<h4 class="tlline2"><strong><span class="red03">일별</span>시세</strong></h4>
<table cellspacing="0" class="type2">
<tr>
${HEADER}
</tr>
<tr>
<td colspan="7" height="8"></td>
</tr>
${rowsInGroupsOfFive(rows, 7)}
<tr>
<td colspan="7" height="8"></td>
</tr>
</table>
<!--- 페이지 네비게이션 시작--->
${pageNavigation(DAILY_PRICE_PATH, code, page, lastPage)}
<!--- 페이지 네비게이션 끝--->`
  return pageShell('Npay 증권', table)
}
