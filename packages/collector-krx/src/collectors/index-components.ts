import type { CollectedBatch, TradeDate } from '@kmd/core'
import type { KrxRow, KrxScreenFetcher } from '../client.ts'
import { DEFAULT_KRX_INDEXES, parseKrxIndexId, type KrxIndexId } from '../indexes.ts'
import { toKrxRequestDate } from '../parse.ts'
import { indexComponentRecordOf } from '../reference-rows.ts'
import { KRX_SCREENS } from '../screens.ts'
import { isNonTradingDayAnswer } from './ohlcv-market-cap.ts'

export interface IndexComponentsOptions {
  /** `indIdx/indIdx2` ids, e.g. `config.krxIndexes`; default KOSPI 200 and KOSDAQ 150. */
  indexes?: readonly string[]
}

export interface IndexAnswer {
  index: KrxIndexId
  rows: readonly KrxRow[]
}

/**
 * The members of each index on the trade date (MDCSTAT00601), one request per index. These are
 * snapshots: the promoter turns successive snapshots into effective/end dates. KRX gives no
 * weights or float data on this screen.
 */
export async function collectIndexComponents(
  client: KrxScreenFetcher,
  tradeDate: TradeDate,
  options: IndexComponentsOptions = {},
): Promise<CollectedBatch<'index_components'>> {
  const trdDd = toKrxRequestDate(tradeDate)
  const answers: IndexAnswer[] = []
  for (const index of (options.indexes ?? DEFAULT_KRX_INDEXES).map(parseKrxIndexId)) {
    const rows = await client.fetchScreen(KRX_SCREENS.indexConstituents, { indIdx: index.indIdx, indIdx2: index.indIdx2, trdDd })
    answers.push({ index, rows })
  }
  return indexComponentsFromAnswers(answers, tradeDate)
}

/** The batch for MDCSTAT00601 answers; pure, so recordings can be checked directly. */
export function indexComponentsFromAnswers(answers: readonly IndexAnswer[], tradeDate: TradeDate): CollectedBatch<'index_components'> {
  const nonTradingDay = isNonTradingDayAnswer(answers.flatMap((answer) => answer.rows))
  const records = nonTradingDay ? [] : answers.flatMap(({ index, rows }) => rows.map((row) => indexComponentRecordOf(row, index, tradeDate)))
  return { dataset: 'index_components', source: 'krx', tradeDate, records, nonTradingDay, requestCount: answers.length }
}
