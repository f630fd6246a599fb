import type { TradeDate } from '@kmd/core'
import { formatNumber, formatRate } from '../krx/wire-format.ts'
import { changeCell, dateCell, numberCell, pageNavigation, pageShell, rowsInGroupsOfFive, ROW_OPEN } from './page-html.ts'
import type { NaverStockHistory } from './stock-history.ts'

/**
 * `/item/frgn.naver?code=&page=`: the broker table first (거래원정보), then twenty days a page
 * of 날짜 종가 전일비 등락률 거래량, 기관 net, 외국인 net, foreign holding shares and ratio, with
 * explicit signs on the nets (`+17,169`, `-19,294`) and the rate (`-0.43%`).
 */
export const INVESTOR_NET_PATH = '/item/frgn.naver'
export const INVESTOR_NET_ROWS_PER_PAGE = 20

const BROKER_TABLE = `<table summary="거래원정보에 관한표이며 일자별 누적 정보를 제공합니다." class="type2">
<caption>거래원정보</caption>
<tr><th>매도상위</th><th>거래량</th><th>매수상위</th><th>거래량</th></tr>
<tr><td class="title">키움증권</td><td class="num">1,234,567</td><td class="title">미래에셋증권</td><td class="num">1,198,765</td></tr>
<tr><td class="title">한국투자증권</td><td class="num">876,543</td><td class="title">NH투자증권</td><td class="num">854,321</td></tr>
</table>`

const HEADER = `<tr>
<th rowspan="2" scope="col"><span>날짜</span></th>
<th rowspan="2" scope="col"><span>종가</span></th>
<th rowspan="2" scope="col"><span>전일비</span></th>
<th rowspan="2" scope="col"><span>등락률</span></th>
<th rowspan="2" scope="col"><span>거래량</span></th>
<th scope="col"><span>기관</span></th>
<th colspan="3" scope="col"><span>외국인</span></th>
</tr>
<tr>
<th scope="col"><span>순매매량</span></th>
<th scope="col"><span>순매매량</span></th>
<th scope="col"><span>보유주수</span></th>
<th scope="col"><span>보유율</span></th>
</tr>`

const signed = (value: number) => (value > 0 ? `+${formatNumber(value)}` : formatNumber(value))
const tone = (value: number) => (value > 0 ? 'red01' : value < 0 ? 'nv01' : '')

export function investorNetPage(history: NaverStockHistory, code: string, page: number, today: TradeDate): string {
  const stock = history.stock(code)
  const days = stock ? history.days(today) : []
  const lastPage = Math.max(1, Math.ceil(days.length / INVESTOR_NET_ROWS_PER_PAGE))
  const rows = stock
    ? days.slice((page - 1) * INVESTOR_NET_ROWS_PER_PAGE, page * INVESTOR_NET_ROWS_PER_PAGE).map((date) => {
        const quote = history.quote(stock, date)
        const net = history.netVolumes(quote, date)
        const change = quote.close - quote.previousClose
        const rate = formatRate((100 * change) / quote.previousClose)
        const limit = quote.fluctuation === '4' ? 'upper' : quote.fluctuation === '5' ? 'lower' : undefined
        return [
          ROW_OPEN,
          dateCell(date, 'class="tc"'),
          numberCell(formatNumber(quote.close)),
          changeCell(change, limit),
          numberCell(`${change > 0 ? '+' : ''}${rate}%`, tone(change)),
          numberCell(formatNumber(quote.volume)),
          numberCell(signed(net.institution), tone(net.institution)),
          numberCell(signed(net.foreign), tone(net.foreign)),
          numberCell(formatNumber(net.foreignHoldingShares)),
          numberCell(`${((100 * net.foreignHoldingShares) / stock.listedShares).toFixed(2)}%`),
          '</tr>',
        ].join('\n')
      })
    : []
  const content = `${BROKER_TABLE}
<table summary="외국인 기관 순매매 거래량에 관한표이며 날짜별로 정보를 제공합니다." width="100%" cellpadding="0" cellspacing="0" class="type2">
<caption>외국인·기관 순매매 거래량</caption>
${HEADER}
<tr><td colspan="9" class="blank_07"></td></tr>
${rowsInGroupsOfFive(rows, 9)}
</table>
${pageNavigation(INVESTOR_NET_PATH, code, page, lastPage)}`
  return pageShell('Npay 증권', content)
}
