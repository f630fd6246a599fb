import { INVESTOR_TYPE_DEFINITIONS, isTradingDay, type CanonicalRecord, type CollectedBatch, type InvestorTradingValues, type InvestorType, type TradeDate } from '@kmd/core'
import type { KrxRow, KrxScreenFetcher } from '../client.ts'
import { toKrxRequestDate } from '../parse.ts'
import { investorTradingRecordOf } from '../rows.ts'
import { KRX_MARKETS, KRX_SCREENS } from '../screens.ts'
import { isStandInRow } from '@kmd/core'

/** One MDCSTAT02401 answer: every stock of one market, for one investor type. */
export interface InvestorTradingAnswer {
  mktId: string
  invstTpCd: string
  investorType: InvestorType
  rows: readonly KrxRow[]
}

/**
 * Buy/sell volumes and values of every stock for each of the eleven leaf investor types, in
 * KOSPI, KOSDAQ and KONEX: 33 requests, one after another (the client paces them anyway, and
 * a fixed order keeps runs reproducible).
 */
export async function collectInvestorTrading(client: KrxScreenFetcher, tradeDate: TradeDate): Promise<CollectedBatch<'investor_trading'>> {
  const day = toKrxRequestDate(tradeDate)
  const answers: InvestorTradingAnswer[] = []
  for (const mktId of KRX_MARKETS) {
    for (const { krxCode, investorType } of INVESTOR_TYPE_DEFINITIONS) {
      const rows = await client.fetchScreen(KRX_SCREENS.investorTradingByStock, { strtDd: day, endDd: day, mktId, invstTpCd: krxCode })
      answers.push({ mktId, invstTpCd: krxCode, investorType, rows })
    }
  }
  return investorTradingFromAnswers(answers, tradeDate)
}

/** The batch for a set of MDCSTAT02401 answers; pure, so recorded answers can be checked directly. */
export function investorTradingFromAnswers(answers: readonly InvestorTradingAnswer[], tradeDate: TradeDate): CollectedBatch<'investor_trading'> {
  const nonTradingDay = isNonTradingDayAnswerSet(answers, tradeDate)
  const records: Array<CanonicalRecord<InvestorTradingValues>> = nonTradingDay
    ? []
    : answers.flatMap((answer) => answer.rows.map((row) => investorTradingRecordOf(row, answer, tradeDate)))
  return { dataset: 'investor_trading', source: 'krx', tradeDate, records, nonTradingDay, requestCount: answers.length }
}

/**
 * A closed market has no trades at all: rows without a single share bought or sold, or every
 * answer empty (KRX's answer for a holiday on this screen is not on record, so both shapes
 * count). One traded share anywhere makes it a trading day. Empty answers alone are not
 * evidence enough: on a day the KRX calendar has a session they stay an empty batch, for the
 * pipeline's row count to fail and retry, never a skipped "closed" day.
 */
export function isNonTradingDayAnswerSet(answers: readonly InvestorTradingAnswer[], tradeDate: TradeDate): boolean {
  const rows = answers.flatMap((answer) => answer.rows)
  if (answers.length === 0) return false
  if (rows.length === 0) return !isTradingDay(tradeDate)
  // Stand-ins for elements that were not objects have no say, and answers of nothing but
  // stand-ins are no closed day: their parse errors are kept.
  const sent = rows.filter((row) => !isStandInRow(row))
  return sent.length > 0 && sent.every((row) => isZero(row.ASK_TRDVOL) && isZero(row.BID_TRDVOL))
}

function isZero(value: unknown): boolean {
  return value === '0' || value === '-' || value === '' || value === 0
}
