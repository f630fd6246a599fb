import type { CollectedBatch, TradeDate } from '@kmd/core'
import type { KrxRow, KrxScreenFetcher } from '../client.ts'
import { toKrxRequestDate } from '../parse.ts'
import { sectorRecordOf } from '../reference-rows.ts'
import { KRX_SCREENS } from '../screens.ts'
import { isNonTradingDayAnswer } from './ohlcv-market-cap.ts'

// KRX classifies KOSPI and KOSDAQ stocks by 업종; KONEX has no such classification on this screen.
const SECTOR_MARKETS = ['STK', 'KSQ'] as const

export interface SectorAnswer {
  mktId: string
  rows: readonly KrxRow[]
}

/** Every KOSPI and KOSDAQ stock's sector on the trade date (MDCSTAT03901): two requests. */
export async function collectSectors(client: KrxScreenFetcher, tradeDate: TradeDate): Promise<CollectedBatch<'sectors'>> {
  const trdDd = toKrxRequestDate(tradeDate)
  const answers: SectorAnswer[] = []
  for (const mktId of SECTOR_MARKETS) {
    answers.push({ mktId, rows: await client.fetchScreen(KRX_SCREENS.sectorClassification, { trdDd, mktId }) })
  }
  return sectorsFromAnswers(answers, tradeDate)
}

/** The batch for MDCSTAT03901 answers; on a closed day KRX lists every stock with prices "-". */
export function sectorsFromAnswers(answers: readonly SectorAnswer[], tradeDate: TradeDate): CollectedBatch<'sectors'> {
  const nonTradingDay = isNonTradingDayAnswer(answers.flatMap((answer) => answer.rows))
  const records = nonTradingDay ? [] : answers.flatMap((answer) => answer.rows.map((row) => sectorRecordOf(row, answer)))
  return { dataset: 'sectors', source: 'krx', tradeDate, records, nonTradingDay, requestCount: answers.length }
}
