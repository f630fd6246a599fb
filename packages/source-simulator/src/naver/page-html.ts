import iconv from 'iconv-lite'
import type { SimulatorResponse } from '../http-io.ts'
import { formatNumber } from '../krx/wire-format.ts'

/**
 * The parts Naver's item pages share, written like the real pages (see the recorded
 * sise_day page): EUC-KR, `table.type2` data tables with spacer rows between groups of five
 * days, an up/down marker in the change cell, and `table.Nnavi` paging in blocks of ten with
 * 다음 (pgR) and 맨뒤 (pgRR) links.
 */

export const NAVER_CONTENT_TYPE = 'text/html;charset=EUC-KR'

export function eucKrPage(html: string): SimulatorResponse {
  return { status: 200, headers: { 'content-type': NAVER_CONTENT_TYPE }, body: iconv.encode(html, 'euc-kr') }
}

export function pageShell(title: string, content: string): string {
  return `
<html lang="ko">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
<title>${title}</title>
</head>
<body>
${content}
</body>
</html>
`
}

/** `<td>` of a date, in the page's style. */
export function dateCell(date: string, className = 'align="center"'): string {
  return `<td ${className}><span class="tah p10 gray03">${date.replace(/-/g, '.')}</span></td>`
}

export function numberCell(text: string, tone = ''): string {
  return `<td class="num"><span class="tah p11${tone ? ` ${tone}` : ''}">${text}</span></td>`
}

/** The change cell: a marker with its hidden word, then the unsigned amount. */
export function changeCell(change: number, limit: 'upper' | 'lower' | undefined): string {
  if (change === 0) return `<td class="num">\n<em class="bu_p bu_pn"><span class="blind">보합</span></em><span class="tah p11">0</span>\n</td>`
  const up = change > 0
  const marker = limit === 'upper' ? ['bu_pup2', '상한가'] : limit === 'lower' ? ['bu_pdn2', '하한가'] : up ? ['bu_pup', '상승'] : ['bu_pdn', '하락']
  return (
    `<td class="num">\n<em class="bu_p ${marker[0]}"><span class="blind">${marker[1]}</span></em>` +
    `<span class="tah p11 ${up ? 'red02' : 'nv01'}">\n${formatNumber(Math.abs(change))}\n</span>\n</td>`
  )
}

/** A blank line of `columns` cells, as the pages put between groups of five days. */
export function spacerRows(columns: number): string {
  return `<tr>\n<td colspan="${columns}" height="8"></td>\n</tr>\n<tr>\n<td colspan="${columns}" height="1" bgcolor="#e1e1e1"></td>\n</tr>\n<tr>\n<td colspan="${columns}" height="8"></td>\n</tr>`
}

export function rowsInGroupsOfFive(rows: readonly string[], columns: number): string {
  return rows.map((row, index) => (index > 0 && index % 5 === 0 ? `${spacerRows(columns)}\n${row}` : row)).join('\n')
}

/** Page navigation: the block of ten pages around `page`, with 맨앞/이전 and 다음/맨뒤 where they apply. */
export function pageNavigation(path: string, code: string, page: number, lastPage: number): string {
  const link = (to: number, text: string) => `<a href="${path}?code=${code}&amp;page=${to}"  >${text}</a>`
  const first = Math.floor((page - 1) / 10) * 10 + 1
  const last = Math.min(first + 9, lastPage)
  const cells: string[] = []
  if (first > 1) {
    cells.push(`<td class="pgLL">\n${link(1, '맨앞')}\n</td>`, `<td class="pgL">\n${link(first - 1, '이전')}\n</td>`)
  }
  for (let number = first; number <= last; number++) cells.push(`<td${number === page ? ' class="on"' : ''}>\n${link(number, String(number))}\n</td>`)
  if (last < lastPage) {
    cells.push(`<td class="pgR">\n${link(last + 1, '다음')}\n</td>`, `<td class="pgRR">\n${link(lastPage, '맨뒤')}\n</td>`)
  }
  return `<table summary="페이지 네비게이션 리스트" class="Nnavi" align="center">\n<caption>페이지 네비게이션</caption>\n<tr>\n${cells.join('\n')}\n</tr>\n</table>`
}

export const ROW_OPEN = '<tr onMouseOver="mouseOver(this)" onMouseOut="mouseOut(this)">'
