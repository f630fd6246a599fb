import { ConfigError, createHttpClient, type AppConfig, type HttpClient, type Logger } from '@kmd/core'
import { infomaxAnswerCheck } from './answers.ts'
import { UnknownFieldLog } from './fields/unknown-fields.ts'
import type { FieldWatch } from './fields/field-table.ts'

/** What the collectors need from Infomax; tests can hand them a stub. */
export interface InfomaxFetcher {
  /** The `results` rows of one `GET /api/...`; a refusal or a broken answer throws a typed error. */
  fetchRows(endpoint: string, params: Record<string, string>): Promise<unknown[]>
  /** Where row readers report fields no mapping knows. */
  readonly fieldWatch: FieldWatch
}

export class InfomaxClient implements InfomaxFetcher {
  constructor(
    private readonly http: HttpClient,
    readonly fieldWatch: FieldWatch,
  ) {}

  async fetchRows(endpoint: string, params: Record<string, string>): Promise<unknown[]> {
    let rows: unknown[] | undefined
    await this.http.get(endpoint, {
      searchParams: params,
      headers: { accept: 'application/json' },
      checkResponse: infomaxAnswerCheck(`infomax GET ${endpoint}`, (results) => (rows = results)),
    })
    // The check only lets an answer through after handing over its rows.
    return rows!
  }
}

export interface InfomaxClientOptions {
  logger?: Logger
  /** Retries per request after the first attempt; default 5. */
  retries?: number
  /** First backoff delay, doubled each retry with jitter; default 2 s (2+4+8+16+30 s covers a one-minute window). */
  minRetryDelayMs?: number
  /** Where unknown fields are reported; default a log that warns once per endpoint and field. */
  fieldWatch?: FieldWatch
}

const DEFAULT_RETRIES = 5
const DEFAULT_MIN_RETRY_DELAY_MS = 2_000

/**
 * An Infomax client: bearer token, paced at `INFOMAX_MAX_REQUESTS_PER_MINUTE` (retries
 * included), TLS verified (the public clients turn verification off; we do not: the token
 * travels in every request).
 */
export function createInfomaxClient(
  config: Pick<AppConfig, 'infomax'> & Partial<Pick<AppConfig, 'httpTimeoutMs'>>,
  options: InfomaxClientOptions = {},
): InfomaxClient {
  const { baseUrl, apiToken, maxRequestsPerMinute } = config.infomax
  if (apiToken === undefined || apiToken.trim() === '') {
    throw new ConfigError(['INFOMAX_API_TOKEN: required to collect from Infomax but not set'])
  }
  const http = createHttpClient({
    baseUrl,
    source: 'infomax',
    timeoutMs: config.httpTimeoutMs,
    maxRequestsPerSecond: maxRequestsPerMinute / 60,
    retries: options.retries ?? DEFAULT_RETRIES,
    minTimeoutMs: options.minRetryDelayMs ?? DEFAULT_MIN_RETRY_DELAY_MS,
    headers: { authorization: `bearer ${apiToken.trim()}` },
    logger: options.logger,
  })
  return new InfomaxClient(http, options.fieldWatch ?? new UnknownFieldLog(options.logger))
}
