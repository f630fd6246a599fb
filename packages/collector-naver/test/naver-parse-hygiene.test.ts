import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { collectNaverOhlcv, createNaverClient, parseDailyPricePage } from '../src/index.ts'

let simulator: RunningSimulator

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 300, datelessRecordings: true })
})
afterAll(() => simulator.stop())
beforeEach(() => simulator.faults.clear())

describe('Naver: broken text and rows that would have vanished', () => {
  it('a NUL byte in one number cell of a served page: that day is a parse error naming the column, the others are clean', async () => {
    const naver = createNaverClient({ naver: { baseUrl: simulator.url, maxRequestsPerSecond: 1_000 }, httpTimeoutMs: 5_000 }, { retries: 0 })
    const range = { stockCode: '005930', from: '2026-08-31', to: '2026-09-11' } // the recorded page 1
    simulator.faults.inject({ kind: 'nulInField', match: { path: '/item/sise_day.naver' } })
    const { records } = await collectNaverOhlcv(naver, range)
    const [date] = simulator.faults.applied.at(-1)!.affectedCodes
    const flagged = records.filter((record) => record.parseErrors.length > 0)
    expect(records).toHaveLength(10)
    expect(flagged.map((record) => record.values.time)).toEqual([date!.replace(/\./g, '-')])
    expect(flagged[0]!.parseErrors.some((message) => /^(close|change|open|high|low|volume): contains U\+FFFD/.test(message))).toBe(true)
  })

  const page = (rows: string) => `<html><body><table class="type2"><tr><th>날짜</th></tr><tr><td colspan="7" height="8"></td></tr>${rows}</table></body></html>`
  const row = (cells: string[]) => `<tr>${cells.map((cell) => `<td class="num">${cell}</td>`).join('')}</tr>`

  it('a NUL (which the HTML parser would drop) or U+FFFD in a cell is a parse error of that row naming the column', () => {
    const parsed = parseDailyPricePage(
      page(row(['2026.09.11', '259,500', '0', '250,000', '260,000', '249,000', '1\u0000,234']) + row(['2026.09.10', '\uFFFD', '0', '1', '1', '1', '1'])),
      '005930',
    )
    expect(parsed.records.map((record) => record.parseErrors.filter((message) => message.includes('contains')))).toEqual([
      ['volume: contains U+FFFD (undecodable bytes: a wrong charset or a damaged answer)'],
      ['close: contains U+FFFD (undecodable bytes: a wrong charset or a damaged answer)'],
    ])
  })

  it('a full row whose date cell does not read as a date is kept as a parse error; blank and spacer rows are not rows', () => {
    const parsed = parseDailyPricePage(
      page(row(['2026.09.11', '1', '0', '1', '1', '1', '1']) + row(['2026-09-10', '1', '0', '1', '1', '1', '1']) + row(['', '', '', '', '', '', ''])),
      '005930',
    )
    expect(parsed.records).toHaveLength(2)
    expect(parsed.records[1]!.values.time).toBeNull()
    expect(parsed.records[1]!.parseErrors).toEqual(['time: not a date ("2026-09-10")'])
  })
})
