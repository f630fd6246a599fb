import { ConfigError, SchemaViolationError, type CollectedBatch, type TradeDate } from '@kmd/core'
import type { KrxRow, KrxScreenFetcher } from '../client.ts'
import { toKrxRequestDate } from '../parse.ts'
import { etfPortfolioRecordOf } from '../reference-rows.ts'
import { KRX_SCREENS } from '../screens.ts'
import { isIsin, isStockCode } from '../stock-codes.ts'
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

  const answers: EtfPortfolioAnswer[] = []
  for (const etf of chosenEtfs(listedEtfsOf(list), options.etfCodes, tradeDate)) {
    answers.push({ etf, rows: await client.fetchScreen(KRX_SCREENS.etfPortfolio, { trdDd, isuCd: etf.isin }) })
  }
  return etfPortfoliosFromAnswers(answers, tradeDate, { nonTradingDay: false, requestCount: 1 + answers.length })
}

/** The batch for a set of MDCSTAT05001 answers; pure, so recordings can be checked directly. */
export function etfPortfoliosFromAnswers(
  answers: readonly EtfPortfolioAnswer[],
  tradeDate: TradeDate,
  meta: { nonTradingDay: boolean; requestCount: number } = { nonTradingDay: false, requestCount: answers.length },
): CollectedBatch<'etf_portfolios'> {
  const records = answers.flatMap(({ etf, rows }) => rows.map((row) => etfPortfolioRecordOf(row, etf, tradeDate)))
  return { dataset: 'etf_portfolios', source: 'krx', tradeDate, records, ...meta }
}

/** Code and ISIN of each ETF of an MDCSTAT04301 answer; without them no PDF can be asked for. */
export function listedEtfsOf(rows: readonly KrxRow[]): ListedEtf[] {
  return rows.map((row, index) => {
    const code = typeof row.ISU_SRT_CD === 'string' ? row.ISU_SRT_CD.trim() : ''
    const isin = typeof row.ISU_CD === 'string' ? row.ISU_CD.trim() : ''
    if (!isStockCode(code) || !isIsin(isin)) {
      throw new SchemaViolationError(
        `krx ${KRX_SCREENS.etfPrices}: row ${index} has no usable ISU_SRT_CD/ISU_CD (${JSON.stringify(row.ISU_SRT_CD)}, ${JSON.stringify(row.ISU_CD)})`,
      )
    }
    return { code, isin }
  })
}

function chosenEtfs(listed: readonly ListedEtf[], wanted: readonly string[] | undefined, tradeDate: TradeDate): ListedEtf[] {
  if (wanted === undefined) return [...listed]
  const byCode = new Map(listed.map((etf) => [etf.code, etf]))
  const unknown = wanted.filter((code) => !byCode.has(code))
  if (unknown.length > 0) throw new ConfigError(unknown.map((code) => `etfCodes: ${code} is not an ETF listed on ${tradeDate}`))
  return wanted.map((code) => byCode.get(code)!)
}
