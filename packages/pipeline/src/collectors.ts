import { createKrxClient, krxCollectors } from '@kmd/collector-krx'
import { createNaverClient, naverCollectors } from '@kmd/collector-naver'
import { createKisClients, kisCollectors } from '@kmd/collector-kis'
import { createInfomaxClient, infomaxCollectors } from '@kmd/collector-infomax'
import { fileCollectors, type FileInputs } from '@kmd/collector-file'
import type { Kysely } from 'kysely'
import type { Database } from '@kmd/db'
import { expectedStockCodes } from '@kmd/validators'
import type { AppConfig, CollectContext, EnvironmentVariable, Logger, SourceCollectors, SourceName, TradeDate } from '@kmd/core'

// Each source package exports what it can collect; this module only wires the configured ones.
export { krxCollectors, kisCollectors, infomaxCollectors, naverCollectors, fileCollectors, type FileInputs }
export type { CollectContext, Collector, SourceCollectors } from '@kmd/core'

/** The collect context of one partition: the listed stocks (or a gap fill's), the known ETFs. */
export function collectContextFor(db: Kysely<Database>, tradeDate: TradeDate, onlyStocks: readonly string[] | undefined): CollectContext {
  return {
    stockCodes: async () => (onlyStocks ? [...onlyStocks] : expectedStockCodes(db, tradeDate)),
    knownEtfCodes: async () => {
      const rows = await db
        .selectFrom('etf_portfolios')
        .select('etf_code')
        .distinct()
        .where('base_date', '=', (eb) => eb.selectFrom('etf_portfolios').select((inner) => inner.fn.max('base_date').as('latest')).where('base_date', '<', tradeDate))
        .orderBy('etf_code')
        .execute()
      return rows.map((row) => row.etf_code)
    },
  }
}

/** The collectors a pipeline can call, per source and dataset. */
export type CollectorRegistry = Partial<Record<SourceName, SourceCollectors>>

/**
 * Every source configured in this process; a source's client (session, pacing) is shared by
 * its datasets. A source that needs a login is there only when its credentials are set
 * (`config.unsetCredentials`), so a plan's source without them is passed over rather than
 * failed after a request; `sourcesPassedOver` names what is missing. Source `file` is there
 * only for the files given (`options.files`).
 */
export function createCollectors(config: AppConfig, logger: Logger, options: { files?: FileInputs } = {}): CollectorRegistry {
  const configured = (source: SourceName) => config.unsetCredentials[source].length === 0
  const registry: CollectorRegistry = {
    naver: naverCollectors(createNaverClient(config, { logger })),
  }
  if (configured('krx')) registry.krx = krxCollectors(createKrxClient(config, { logger }), { indexes: config.krxIndexes })
  if (configured('kis')) {
    const [client, ...moreClients] = createKisClients(config, { logger })
    registry.kis = kisCollectors(client!, { moreClients, logger })
  }
  if (configured('infomax')) registry.infomax = infomaxCollectors(createInfomaxClient(config, { logger }), logger, { indexes: config.krxIndexes })
  if (options.files) registry.file = fileCollectors(options.files)
  return registry
}

/** Those of `sources` this configuration passes over, with the variables each lacks. */
export function sourcesPassedOver(config: AppConfig, sources: readonly SourceName[]): Array<{ source: SourceName; unset: readonly EnvironmentVariable[] }> {
  return sources.filter((source) => config.unsetCredentials[source].length > 0).map((source) => ({ source, unset: config.unsetCredentials[source] }))
}
