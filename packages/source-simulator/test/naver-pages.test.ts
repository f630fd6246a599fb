import { readFileSync } from 'node:fs'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { lastTradingDays } from '@kmd/core'
import { startSimulator, type RunningSimulator } from '../src/index.ts'
import { loggedInClient, type Row } from './krx-test-client.ts'

const RECORDED = readFileSync(new URL('../../../../shared/fixtures/naver/sise_day-005930-page1.euc-kr.html', import.meta.url))
// 16:00 KST on Monday 2025-03-10: the pages end with that day.
const NOW = new Date('2025-03-10T07:00:00Z')

let simulator: RunningSimulator
let prices: Row[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 300, clock: () => NOW })
  prices = await (await loggedInClient(simulator.url)).dayPrices('20250304')
})
afterAll(() => simulator.stop())
beforeEach(() => simulator.faults.clear())

async function page(path: string, code: string, number?: number): Promise<{ status: number; contentType: string | null; bytes: Buffer; html: string }> {
  const response = await fetch(`${simulator.url}${path}?code=${code}${number === undefined ? '' : `&page=${number}`}`)
  const bytes = Buffer.from(await response.arrayBuffer())
  return { status: response.status, contentType: response.headers.get('content-type'), bytes, html: iconv.decode(bytes, 'cp949') }
}

/** The data rows of a page: each row's cell texts, tags and whitespace removed. */
function dataRows(html: string): string[][] {
  return [...html.matchAll(/<tr onMouseOver[\s\S]*?<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map(([, cell]) => cell!.replace(/<span class="blind">[^<]*<\/span>/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, '')),
  )
}

const lastPageLink = (html: string) => Number(/class="pgRR">\s*<a href="[^"]*page=(\d+)"/.exec(html)?.[1] ?? Number.NaN)
const kospiCode = () => prices.find((row) => row.MKT_ID === 'STK' && row.ACC_TRDVOL !== '0')!.ISU_SRT_CD!

describe('Naver daily prices (/item/sise_day.naver)', () => {
  test('the recorded 005930 page 1 is served byte for byte as EUC-KR', async () => {
    const answer = await page('/item/sise_day.naver', '005930', 1)
    expect(answer.status).toBe(200)
    expect(answer.contentType).toBe('text/html;charset=EUC-KR')
    expect(answer.bytes.equals(RECORDED)).toBe(true)
  })

  test('a synthetic page is EUC-KR with ten days, newest first, and a 맨뒤 link to the last page', async () => {
    const answer = await page('/item/sise_day.naver', kospiCode())
    expect(answer.contentType).toBe('text/html;charset=EUC-KR')
    expect(answer.bytes.toString('utf8')).not.toContain('날짜')
    expect(answer.html).toContain('<th>날짜</th>')
    const rows = dataRows(answer.html)
    expect(rows.map((row) => row[0])).toEqual(lastTradingDays(10, '2025-03-10').reverse().map((day) => day.replace(/-/g, '.')))
    expect(rows.every((row) => row.length === 7)).toBe(true)
    const lastPage = lastPageLink(answer.html)
    expect(lastPage).toBeGreaterThan(200)
    const last = await page('/item/sise_day.naver', kospiCode(), lastPage)
    expect(dataRows(last.html).at(-1)![0]).toBe('2015.01.02')
    expect(last.html).not.toContain('pgRR')
    expect(dataRows((await page('/item/sise_day.naver', kospiCode(), lastPage + 1)).html)).toEqual([])
  })

  test('its closes and volumes are those of the KRX price screen, the change unsigned next to its marker', async () => {
    const code = kospiCode()
    const krx = prices.find((row) => row.ISU_SRT_CD === code)!
    const answer = await page('/item/sise_day.naver', code)
    const row = dataRows(answer.html).find((cells) => cells[0] === '2025.03.04')!
    expect([row[1], row[3], row[4], row[5], row[6]]).toEqual([krx.TDD_CLSPRC, krx.TDD_OPNPRC, krx.TDD_HGPRC, krx.TDD_LWPRC, krx.ACC_TRDVOL])
    expect(row[2]).toBe(krx.CMPPREVDD_PRC!.replace('-', ''))
    expect(answer.html).toMatch(/class="bu_p bu_p(up|dn|n)2?"><span class="blind">(상승|하락|보합|상한가|하한가)<\/span>/)
  })

  test('an unknown code gets the page without rows', async () => {
    const answer = await page('/item/sise_day.naver', '999990', 1)
    expect(answer.status).toBe(200)
    expect(dataRows(answer.html)).toEqual([])
    expect(answer.html).toContain('class="Nnavi"')
  })
})

describe('Naver institution/foreigner page (/item/frgn.naver)', () => {
  test('twenty days a page in the second table.type2, with explicit signs on the net volumes', async () => {
    const answer = await page('/item/frgn.naver', kospiCode(), 2)
    expect((answer.html.match(/class="type2"/g) ?? []).length).toBe(2)
    expect(answer.html).toContain('summary="외국인 기관 순매매 거래량에 관한표이며 날짜별로 정보를 제공합니다."')
    const rows = dataRows(answer.html)
    expect(rows).toHaveLength(20)
    expect(rows.every((row) => row.length === 9)).toBe(true)
    expect(rows[0]![0]).toBe(lastTradingDays(21, '2025-03-10')[0]!.replace(/-/g, '.'))
    for (const row of rows) {
      expect(row[5]).toMatch(/^([+-][\d,]+|0)$/)
      expect(row[6]).toMatch(/^([+-][\d,]+|0)$/)
      expect(row[8]).toMatch(/^\d+\.\d\d%$/)
    }
  })
})

describe('faults on Naver pages', () => {
  test('a fault matched by path replaces the page; row faults leave the bytes alone; a cut page loses its end', async () => {
    const code = kospiCode()
    const clean = await page('/item/sise_day.naver', code)
    simulator.faults.inject({ kind: 'http500', match: { path: '/item/sise_day.naver' } })
    expect((await page('/item/sise_day.naver', code)).status).toBe(500)
    simulator.faults.inject({ kind: 'unparsableNumbers', match: { path: '/item/sise_day.naver' } })
    expect((await page('/item/sise_day.naver', code)).bytes.equals(clean.bytes)).toBe(true)
    simulator.faults.inject({ kind: 'truncatedJson', match: { path: '/item/sise_day.naver' } })
    const cut = await page('/item/sise_day.naver', code)
    expect(cut.bytes.length).toBe(Math.floor(clean.bytes.length / 2))
    expect(cut.html).not.toContain('</body>')
    // Without a path a fault waits for a KRX data request and leaves Naver alone.
    simulator.faults.inject({ kind: 'http500' })
    expect((await page('/item/sise_day.naver', code)).status).toBe(200)
  })
})
