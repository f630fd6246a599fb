import { tradingDaysBetween } from '@kmd/core'
import { INFOMAX_ERRORS } from '../envelope.ts'
import { INFOMAX_INVESTOR_LABELS, INVESTOR_LABEL_ALIASES, type LabelDefinition } from '../investor-labels.ts'
import { codeList, compactDateNumber, historyWindow } from '../params.ts'
import type { Endpoint, Row } from './types.ts'

/**
 * `/api/stock/investor?code=&investor=&startDate=&endDate=`: per stock, trading day and
 * investor label, sells (ask) and buys (bid). Volumes in shares; values in 천원 (thousands of
 * won), rounded, as the vendor sends them. Without `investor` every label is answered.
 */
export const stockInvestor: Endpoint = (query, context) => {
  const codes = codeList(query.code)
  const window = historyWindow(query, context.now, context.maxHistoryDays)
  const labels = investorFilter(query.investor)
  if (!codes || !window || !labels) return { error: INFOMAX_ERRORS.params }
  const results: Row[] = []
  for (const code of codes) {
    const stock = context.market.stock(code)
    if (!stock) continue
    for (const date of tradingDaysBetween(window.from, window.to)) {
      for (const label of labels) {
        const flow = context.market.flows(stock, date, label)
        if (!flow) continue
        const [sellVolume, buyVolume, sellValue, buyValue] = flow
        results.push({
          date: compactDateNumber(date),
          code: stock.code,
          investor: label.label,
          ask_volume: sellVolume,
          ask_value: thousandWon(sellValue),
          bid_volume: buyVolume,
          bid_value: thousandWon(buyValue),
        })
      }
    }
  }
  return { results }
}

function thousandWon(won: number): number {
  return Math.round(won / 1_000)
}

/** All labels, or the ones named (comma-separated, aliases allowed); an unknown name is refused. */
function investorFilter(text: string | undefined): readonly LabelDefinition[] | undefined {
  const names = codeList(text)
  if (!names) return INFOMAX_INVESTOR_LABELS
  const wanted = names.map((name) => INVESTOR_LABEL_ALIASES[name] ?? name)
  const labels = INFOMAX_INVESTOR_LABELS.filter((label) => wanted.includes(label.label))
  return labels.length === new Set(wanted).size ? labels : undefined
}
