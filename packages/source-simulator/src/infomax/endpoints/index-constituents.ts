import { INFOMAX_ERRORS } from '../envelope.ts'
import { isInfomaxIndexCode } from '../index-membership.ts'
import type { Endpoint } from './types.ts'

/**
 * `/api/index/constituents?code=K2G01P`: today's constituents of an index, as `isin` and
 * `kr_name` (a public client derives the short code from the ISIN, so no code is sent). The
 * endpoint takes no date. An index it does not know answers no rows.
 */
export const indexConstituents: Endpoint = (query, context) => {
  if (!query.code) return { error: INFOMAX_ERRORS.params }
  if (!isInfomaxIndexCode(query.code)) return { results: [] }
  return { results: context.market.indexMembers(query.code).map((stock) => ({ isin: stock.isin, kr_name: stock.name })) }
}
