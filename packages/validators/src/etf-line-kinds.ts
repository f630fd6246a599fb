import { sql, type RawBuilder } from 'kysely'
import { col } from './sql-parts.ts'

/**
 * What a line of an ETF's portfolio deposit file (PDF) holds, from the fields KRX's
 * MDCSTAT05001 sends (MKT_ID → component_market, SECUGRP_ID → security_group), matched
 * case-insensitively so a collector that maps the codes to words is understood as well:
 *  - cash: no shares per CU (KRX sends "-"), or KRX's cash codes (KRD010010001 원화예금,
 *    CASH00000001 설정현금액);
 *  - derivative: a futures, options or swap leg (MKT_ID DRV, SECUGRP_ID FU/OP, ISIN KR4…);
 *  - stock: a share (SECUGRP_ID ST 주권, FS 외국주권, DR 예탁증서; ISIN KR7… when the group is absent);
 *  - other: bonds, funds, anything else.
 */
export type EtfLineKind = 'cash' | 'derivative' | 'stock' | 'other'

export const CASH_CODE_PREFIXES = ['KRD', 'CASH'] as const
export const DERIVATIVE_MARKETS = ['DRV'] as const
export const DERIVATIVE_GROUPS = ['FU', 'OP', 'SW', 'FUTURES', 'OPTION', 'OPTIONS', 'SWAP', '선물', '옵션', '스왑'] as const
export const DERIVATIVE_ISIN_PREFIX = 'KR4'
export const STOCK_GROUPS = ['ST', 'FS', 'DR', 'STOCK', 'EQUITY', '주권', '주식', '외국주권'] as const
export const STOCK_ISIN_PREFIX = 'KR7'

const anyPrefix = (expression: RawBuilder<unknown>, prefixes: readonly string[]) =>
  sql`(${sql.join(prefixes.map((p) => sql`upper(${expression}) like ${sql.lit(`${p}%`)}`), sql` or `)})`
const within = (expression: RawBuilder<unknown>, values: readonly string[]) => sql`upper(${expression}) in (${sql.join(values.map((v) => sql.lit(v)))})`

/** The line's kind as a SQL expression over the staging row aliased `alias`. */
export function etfLineKind(alias: string): RawBuilder<EtfLineKind> {
  const c = (name: string) => col(alias, name)
  return sql<EtfLineKind>`(case
    when ${c('shares')} is null or ${anyPrefix(c('component_code'), CASH_CODE_PREFIXES)} or ${anyPrefix(c('component_isin'), CASH_CODE_PREFIXES)} then 'cash'
    when ${within(c('component_market'), DERIVATIVE_MARKETS)} or ${within(c('security_group'), DERIVATIVE_GROUPS)}
      or ${anyPrefix(c('component_isin'), [DERIVATIVE_ISIN_PREFIX])} then 'derivative'
    when ${within(c('security_group'), STOCK_GROUPS)}
      or (${c('security_group')} is null and ${anyPrefix(c('component_isin'), [STOCK_ISIN_PREFIX])}) then 'stock'
    else 'other' end)`
}
