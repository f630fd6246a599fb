import * as cheerio from 'cheerio'
import { SchemaViolationError } from '@kmd/core'
import { directionOfMarker, type Direction } from './values.ts'

type Page = cheerio.CheerioAPI
type Cell = ReturnType<Page>

/**
 * What the Naver item pages share: data tables `table.type2` with one `<tr>` per day (spacer
 * rows between groups of five carry no date), a change cell with a direction marker, and the
 * `table.Nnavi` page navigation whose `pgRR` ("맨뒤") link names the last page.
 */

export interface PageRow {
  /** Cell texts, whitespace collapsed; the change cell holds only its number. */
  cells: string[]
  /** Direction of the change cell's marker, when the row has one. */
  direction: Direction | undefined
}

/**
 * The parsed page. The HTML parser drops a NUL in text without a trace, which would turn a
 * damaged cell into a plausible one; as U+FFFD (what HTML puts for a NUL elsewhere) it stays
 * in its cell and makes its row a parse error.
 */
export function loadPage(html: string): Page {
  return cheerio.load(html.includes('\u0000') ? html.replace(/\u0000/g, '\uFFFD') : html)
}

/**
 * The data rows of a table: rows with exactly `columns` cells, not all of them empty (spacer
 * rows have one cell, blank rows no text). A row whose first cell is not a date is kept: its
 * record then carries the parse error, so no row of the page vanishes unnoticed.
 */
export function dataRows($: Page, table: Cell, columns: number, changeColumn: number): PageRow[] {
  const rows: PageRow[] = []
  table.find('tr').each((_, tr) => {
    const tds = $(tr).children('td')
    if (tds.length !== columns) return
    if (tds.toArray().every((td) => collapse($(td).text()) === '')) return
    const cells = tds.toArray().map((td, index) => (index === changeColumn ? changeText($(td)) : collapse($(td).text())))
    rows.push({ cells, direction: markerDirection($, tds.eq(changeColumn)) })
  })
  return rows
}

/** The table, or a SchemaViolationError saying the page no longer looks as it did. */
export function requireTable(table: Cell, what: string): Cell {
  if (table.length === 0) throw new SchemaViolationError(`naver: ${what} not found on the page`)
  return table
}

/**
 * The last page number: the `pgRR` link when the navigation shows one, else the highest page
 * linked in the navigation (one block of pages only), else the current page, else 1.
 */
export function lastPageOf($: Page): number {
  const navigation = $('table.Nnavi')
  const pageOf = (href: string | undefined) => Number(/[?&]page=(\d+)/.exec(href ?? '')?.[1] ?? Number.NaN)
  const last = pageOf(navigation.find('td.pgRR a').attr('href'))
  if (Number.isInteger(last)) return last
  const linked = navigation
    .find('a')
    .toArray()
    .map((a) => pageOf($(a).attr('href')))
    .filter((page) => Number.isInteger(page))
  const current = Number(collapse(navigation.find('td.on').text()))
  return Math.max(1, ...linked, ...(Number.isInteger(current) ? [current] : []))
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

// The change cell reads "<marker><hidden word></marker><number>": keep the number only.
function changeText(cell: Cell): string {
  const clone = cell.clone()
  clone.find('.blind, em, img').remove()
  return collapse(clone.text())
}

function markerDirection($: Page, cell: Cell): Direction | undefined {
  const classes = cell
    .find('em, span, img')
    .toArray()
    .flatMap((element) => ($(element).attr('class') ?? '').split(/\s+/))
  const words = [...cell.find('.blind').toArray().map((element) => $(element).text()), ...cell.find('img').toArray().map((img) => $(img).attr('alt') ?? '')]
  return directionOfMarker(classes, words)
}
