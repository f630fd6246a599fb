// The aggregates as the latest migrations define them, for the code that keeps them current:
// one definition, in migrations/0003, read by the migrations and by the promoter alike.
import { aggregateDefinitions, aggregateKey, aggregateSelect, bucketOf, type AggregateDefinition } from '../../../migrations/0003_aggregates.ts'
import { SEED_NAMES } from '../../../migrations/0015_seed_column_names.ts'

export { aggregateKey, aggregateSelect, bucketOf, type AggregateDefinition }

/** The aggregate named `view` over today's column names; TimescaleDB's form or plain PostgreSQL's. */
export function aggregateDefinition(timescaledb: boolean, view: string): AggregateDefinition {
  const aggregate = aggregateDefinitions(timescaledb, SEED_NAMES).find((candidate) => candidate.view === view)
  if (!aggregate) throw new Error(`no aggregate named "${view}"`)
  return aggregate
}
