// Every migration, in order. The migrator applies this list (so the bundled CLI carries the
// migrations and loads no TypeScript at run time); a test checks it names exactly the
// NNNN_name.ts files of this folder, so a new file cannot be left out.
import type { Kysely } from 'kysely'
import type { MigrationContext } from './_shared.ts'
import * as m0001 from './0001_reference_data.ts'
import * as m0002 from './0002_time_series.ts'
import * as m0003 from './0003_aggregates.ts'
import * as m0004 from './0004_staging.ts'
import * as m0005 from './0005_run_logs.ts'
import * as m0006 from './0006_roles.ts'
import * as m0007 from './0007_claims_and_calendar_staging.ts'
import * as m0008 from './0008_reference_promotion.ts'
import * as m0009 from './0009_source_fallback.ts'
import * as m0010 from './0010_abandoned_runs.ts'
import * as m0011 from './0011_partition_completeness.ts'
import * as m0012 from './0012_pipeline_locks.ts'
import * as m0013 from './0013_staging_wide_integers.ts'
import * as m0014 from './0014_staging_batch_estimates.ts'
import * as m0015 from './0015_seed_column_names.ts'
import * as m0016 from './0016_seed_log_column_names.ts'
import * as m0017 from './0017_staging_purge.ts'
import * as m0018 from './0018_aggregate_tables.ts'
import * as m0019 from './0019_aggregate_fillfactor.ts'
import * as m0020 from './0020_aggregate_backlog.ts'
import * as m0021 from './0021_minute_aggregates.ts'
import * as m0022 from './0022_minute_completeness.ts'

export interface MigrationModule {
  up(db: Kysely<any>, context: MigrationContext): Promise<void>
  down?(db: Kysely<any>, context: MigrationContext): Promise<void>
  /**
   * Work that cannot run inside a transaction (TimescaleDB refuses to refresh a continuous
   * aggregate in one), run once after the migrations applied with this one committed.
   */
  afterCommit?(db: Kysely<any>, context: MigrationContext): Promise<void>
}

export const MIGRATIONS: Readonly<Record<string, MigrationModule>> = {
  '0001_reference_data': m0001,
  '0002_time_series': m0002,
  '0003_aggregates': m0003,
  '0004_staging': m0004,
  '0005_run_logs': m0005,
  '0006_roles': m0006,
  '0007_claims_and_calendar_staging': m0007,
  '0008_reference_promotion': m0008,
  '0009_source_fallback': m0009,
  '0010_abandoned_runs': m0010,
  '0011_partition_completeness': m0011,
  '0012_pipeline_locks': m0012,
  '0013_staging_wide_integers': m0013,
  '0014_staging_batch_estimates': m0014,
  '0015_seed_column_names': m0015,
  '0016_seed_log_column_names': m0016,
  '0017_staging_purge': m0017,
  '0018_aggregate_tables': m0018,
  '0019_aggregate_fillfactor': m0019,
  '0020_aggregate_backlog': m0020,
  '0021_minute_aggregates': m0021,
  '0022_minute_completeness': m0022,
}
