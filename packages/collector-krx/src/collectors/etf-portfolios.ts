import { ConfigError, SchemaViolationError, type CollectedBatch, type TradeDate } from '@kmd/core'
import type { KrxRow, KrxScreenFetcher } from '../client.ts'
import { toKrxRequestDate } from '../parse.ts'
import { etfPortfolioRecordOf, unreadableEtfListRecordOf } from '../reference-rows.ts'
import { KRX_SCREENS } from '../screens.ts'
import { isStandInRow } from '@kmd/core'
import { isStockCode } from '@kmd/core'
import { isIsin } from '../stock-codes.ts'
import { isNonTradingDayAnswer } from './ohlcv-market-cap.ts'

export interface EtfPortfolioOptions {
  /** Only these ETFs (six-character codes); default every ETF listed that day. */
  etfCodes?: readonly string[]
}

export interface ListedEtf {
  code: string
  isin: string
}

export interface EtfPortfolioAnswer {
  etf: ListedEtf
  rows: readonly KrxRow[]
}

/**
 * The portfolio deposit file (PDF) of every ETF on the trade date: the day's ETF list
 * (MDCSTAT04301, which gives each ETF's code and ISIN) and then one MDCSTAT05001 request per
 * ETF, asked for by ISIN. ~900 ETFs make this a long job at KRX's pace, hence weekly.
 */
export async function collectEtfPortfolios(
  client: KrxScreenFetcher,
  tradeDate: TradeDate,
  options: EtfPortfolioOptions = {},
): Promise<CollectedBatch<'etf_portfolios'>> {
  const trdDd = toKrxRequestDate(tradeDate)
  const list = await client.fetchScreen(KRX_SCREENS.etfPrices, { trdDd, share: '1', money: '1' })
  if (isNonTradingDayAnswer(list)) return etfPortfoliosFromAnswers([], tradeDate, { nonTradingDay: true, requestCount: 1 })

  // A list element that was not an object names no ETF, so no PDF can be asked for: it becomes
  // one record with parse errors, and the day's PDFs read as incomplete rather than all there.
  const unreadable = list.filter(isStandInRow)
  const answers: EtfPortfolioAnswer[] = []
  for (const etf of chosenEtfs(listedEtfsOf(list), options.etfCodes, tradeDate, unreadable.length)) {
    answers.push({ etf, rows: await client.fetchScreen(KRX_SCREENS.etfPortfolio, { trdDd, isuCd: etf.isin }) })
  }
  const meta = { nonTradingDay: false, requestCount: 1 + answers.length }
  return etfPortfoliosFromAnswers(answers, tradeDate, meta, options.etfCodes === undefined ? unreadable : [])
}

/**
 * The batch for a set of MDCSTAT05001 answers, plus one parse-error record per unreadable row of
 * the ETF list (`unreadableListRows`, stand-ins for elements that were not objects); pure, so
 * recordings can be checked directly.
 */
export function etfPortfoliosFromAnswers(
  answers: readonly EtfPortfolioAnswer[],
  tradeDate: TradeDate,
  meta: { nonTradingDay: boolean; requestCount: number } = { nonTradingDay: false, requestCount: answers.length },
  unreadableListRows: readonly KrxRow[] = [],
): CollectedBatch<'etf_portfolios'> {
  const records = [
    ...answers.flatMap(({ etf, rows }) => rows.map((row) => etfPortfolioRecordOf(row, etf, tradeDate))),
    ...unreadableListRows.map((row) => unreadableEtfListRecordOf(row, tradeDate)),
  ]
  return { dataset: 'etf_portfolios', source: 'krx', tradeDate, records, ...meta }
}

/**
 * Code and ISIN of each ETF of an MDCSTAT04301 answer; without them no PDF can be asked for. A
 * stand-in for an element that was not an object is left out (the collector reports it as a
 * parse-error record); a row object without a usable code or ISIN is a change of format.
 */
export function listedEtfsOf(rows: readonly KrxRow[]): ListedEtf[] {
  return rows.flatMap((row, index) => {
    if (isStandInRow(row)) return []
    const code = typeof row.ISU_SRT_CD === 'string' ? row.ISU_SRT_CD.trim() : ''
    const isin = typeof row.ISU_CD === 'string' ? row.ISU_CD.trim() : ''
    if (!isStockCode(code) || !isIsin(isin)) {
      throw new SchemaViolationError(
        `krx ${KRX_SCREENS.etfPrices}: row ${index} has no usable ISU_SRT_CD/ISU_CD (${JSON.stringify(row.ISU_SRT_CD)}, ${JSON.stringify(row.ISU_CD)})`,
      )
    }
    return [{ code, isin }]
  })
}

function chosenEtfs(listed: readonly ListedEtf[], wanted: readonly string[] | undefined, tradeDate: TradeDate, unreadable: number): ListedEtf[] {
  if (wanted === undefined) return [...listed]
  const byCode = new Map(listed.map((etf) => [etf.code, etf]))
  const unknown = wanted.filter((code) => !byCode.has(code))
  const unless = unreadable > 0 ? ` (unless it is one of the ${unreadable} unreadable rows of the list)` : ''
  if (unknown.length > 0) throw new ConfigError(unknown.map((code) => `etfCodes: ${code} is not an ETF listed on ${tradeDate}${unless}`))
  return wanted.map((code) => byCode.get(code)!)
}
