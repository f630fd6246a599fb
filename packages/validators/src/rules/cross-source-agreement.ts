import { sql } from 'kysely'
import { batchParam, col, notRejected, rowKey, show, stagingTable } from '../sql-parts.ts'
import type { Rule, RuleContext } from '../types.ts'

// Every disagreement is recorded (up to this many in the sample; the count is always exact).
const MAX_RECORDED = 1000
const MARKET_CAP_TOLERANCE = 0.001

/** The value two sources must agree on, per dataset, and how closely. */
const COMPARED: Record<string, { column: string; relativeTolerance: number }> = {
  ohlcv_daily: { column: 'close_price', relativeTolerance: 0 },
  market_cap_daily: { column: 'market_cap', relativeTolerance: MARKET_CAP_TOLERANCE },
  investor_trading: { column: 'net_buy_volume', relativeTolerance: 0 },
}

/**
 * When another source already delivered the same partition (its latest validated or promoted
 * batch), compare the value both report for each key: KRX and KIS close prices, market caps,
 * investor nets. A warning: which source is right is for a person to decide, and the
 * disagreements are kept in data_quality_checks to decide it with.
 */
export const crossSourceAgreementRule: Rule = {
  name: 'cross_source_agreement',
  severity: 'warn',
  threshold: 0,
  description: "each key's close / market cap / investor net equals the other source's latest batch for the same partition",
  async check(context: RuleContext) {
    const { spec, target } = context
    const compared = COMPARED[spec.dataset]
    if (!compared) return { passed: true, checkedCount: 0, issueCount: 0, sample: [], message: `no cross-source comparison for ${spec.dataset}` }
    const other = await sql<{ batch_id: string; source: string }>`
      select batch_id, source from staging.batches
      where dataset = ${spec.dataset} and partition_key = ${target.partitionKey} and source <> ${target.source}
        and status in ('validated', 'promoted')
      order by created_at desc limit 1`.execute(context.db)
    const otherBatch = other.rows[0]
    if (!otherBatch) return { passed: true, checkedCount: 0, issueCount: 0, sample: [], message: `no other source has delivered ${target.partitionKey} yet` }

    const value = (alias: string) => col(alias, compared.column)
    const sameKey = sql.join(spec.keyColumns.map((c) => sql`${col('s', c)} = ${col('o', c)}`), sql` and `)
    const { rows } = await sql<{ compared: number; disagreeing: number; sample: Array<{ key: string; reason: string }> | null }>`
      with pairs as (
        select ${rowKey(spec, 's')} as key, ${value('s')} as ours, ${value('o')} as theirs
        from ${stagingTable(spec)} s
        join ${stagingTable(spec)} o on o.batch_id = ${batchParam(otherBatch.batch_id)} and o.validation_status = 'valid' and ${sameKey}
        where s.batch_id = ${batchParam(target.batchId)} and ${notRejected('s')}
          and ${value('s')} is not null and ${value('o')} is not null
      ),
      disagreements as (
        select key, ours, theirs from pairs p
        where abs(ours - theirs) > ${compared.relativeTolerance}::numeric * greatest(abs(ours), abs(theirs))
        order by key limit ${MAX_RECORDED}
      )
      select (select count(*) from pairs)::int as compared,
             (select count(*) from pairs where abs(ours - theirs) > ${compared.relativeTolerance}::numeric * greatest(abs(ours), abs(theirs)))::int as disagreeing,
             (select json_agg(json_build_object('key', key, 'reason',
                ${`cross_source_agreement: ${compared.column} `} || ${show(sql`ours`)} || ${` from ${target.source} vs `} || ${show(sql`theirs`)} || ${` from ${otherBatch.source}`}))
              from disagreements) as sample`.execute(context.db)
    const { compared: comparedCount, disagreeing, sample } = rows[0]!
    const passed = disagreeing === 0
    return {
      passed,
      checkedCount: comparedCount,
      issueCount: disagreeing,
      sample: sample ?? [],
      message: passed
        ? `${comparedCount} keys agree with ${otherBatch.source} (batch ${otherBatch.batch_id})`
        : `${disagreeing} of ${comparedCount} keys disagree with ${otherBatch.source} on ${compared.column} (batch ${otherBatch.batch_id})`,
    }
  },
}
