import { SchemaViolationError } from '@kmd/core'
import type { InfomaxFetcher } from '../client.ts'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'

/**
 * One public client found `/api/stock/code` answers at most 1,000 rows and drops the rest
 * without a word. An answer that reaches the cap is therefore taken as cut off and asked for
 * again by code prefix (`code=` matches anywhere in the code, so rows are kept only when
 * their code starts with the prefix), one character deeper each time it is still full.
 */
export const DEFAULT_CODE_LIST_CAP = 1_000

// Codes start with digits; letters appear only from the fifth place on (0041B0, 37550L).
const CHARACTERS_AT = (place: number) => (place < 4 ? '0123456789' : '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ')

export interface CodeListAnswer {
  rows: unknown[]
  requests: number
}

export async function fetchWholeCodeList(client: InfomaxFetcher, params: Record<string, string>, cap = DEFAULT_CODE_LIST_CAP): Promise<CodeListAnswer> {
  const kept = new Map<string, unknown>()
  let requests = 0
  const visit = async (prefix: string): Promise<void> => {
    const rows = await client.fetchRows(INFOMAX_ENDPOINTS.stockCode, prefix === '' ? params : { ...params, code: prefix })
    requests++
    if (rows.length >= cap) {
      if (prefix.length >= 6) {
        throw new SchemaViolationError(`infomax GET ${INFOMAX_ENDPOINTS.stockCode}: ${rows.length} rows even for the full code "${prefix}"; the list cannot be completed`)
      }
      for (const character of CHARACTERS_AT(prefix.length)) await visit(prefix + character)
      return
    }
    for (const row of rows) {
      const code = (row as { code?: unknown } | null)?.code
      // A row without a readable code cannot be placed under a prefix; keeping each distinct row once still reports it.
      if (typeof code === 'string' && !code.startsWith(prefix)) continue
      kept.set(JSON.stringify(row), row)
    }
  }
  await visit('')
  return { rows: [...kept.values()], requests }
}
