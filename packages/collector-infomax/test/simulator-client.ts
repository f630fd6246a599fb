import { createInfomaxClient, type InfomaxClient, type InfomaxClientOptions } from '../src/index.ts'
import type { AppConfig } from '@kmd/core'

export const TOKEN = 'collector-test-token'

/** A client for the simulator: unpaced unless the test says otherwise, quick retries. */
export function infomaxClient(baseUrl: string, infomax: Partial<AppConfig['infomax']> = {}, options: InfomaxClientOptions = {}): InfomaxClient {
  return createInfomaxClient(
    { infomax: { baseUrl, apiToken: TOKEN, maxRequestsPerMinute: 600_000, ...infomax }, httpTimeoutMs: 5_000 },
    { retries: 2, minRetryDelayMs: 1, ...options },
  )
}
