import { createHttpClient, SourceUnavailableError, type AppConfig, type HttpClient, type Logger, type ResponseCheck } from '@kmd/core'
import { BROWSER_USER_AGENT } from '@kmd/core'
import { decodeNaverPage } from './decode.ts'

/** What the Naver collectors need: one page as text. Tests can hand them a stub. */
export interface NaverPageFetcher {
  fetchPage(path: string, query: Record<string, string | number>): Promise<string>
}

// Naver's own outage notice; a page showing it is worth another attempt, a changed page is not.
const OUTAGE_MARKERS = ['서비스 점검', '일시적', '서비스 제공 불가능', '잠시 후 다시']

/**
 * Reads Naver Finance pages: asks for bytes, decodes them as the page declares (EUC-KR by default), and
 * retries answers that are not a whole page (cut off mid-way, or an outage notice) under the
 * HTTP client's policy. No login, no cookies.
 */
export class NaverClient implements NaverPageFetcher {
  constructor(private readonly http: HttpClient) {}

  async fetchPage(path: string, query: Record<string, string | number>): Promise<string> {
    let page = ''
    await this.http.get(path, {
      searchParams: query,
      responseType: 'buffer',
      headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', referer: this.http.urlFor('/') },
      checkResponse: naverPageCheck(`naver GET ${path}`, (text) => (page = text)),
    })
    return page
  }
}

/** Decodes a page once and judges it; `keep` receives the text. */
export function naverPageCheck(label: string, keep: (page: string) => void): ResponseCheck {
  return (response) => {
    if (response.status >= 400) return undefined
    const bytes = typeof response.body === 'string' ? Buffer.from(response.body) : response.body
    const contentType = response.headers['content-type']
    const page = decodeNaverPage(bytes, Array.isArray(contentType) ? contentType[0] : contentType)
    const what = `${label}: HTTP ${response.status}`
    // Naver's pages end with </body> (no </html>); an answer ending elsewhere was cut off.
    if (!/<\/(?:body|html)>\s*$/i.test(page)) return new SourceUnavailableError(`${what} page cut off (${bytes.length} bytes, no closing </body>)`)
    if (!page.includes('type2') && OUTAGE_MARKERS.some((marker) => page.includes(marker))) {
      return new SourceUnavailableError(`${what} outage notice instead of the page`)
    }
    keep(page)
    return undefined
  }
}

export interface NaverClientOptions {
  logger?: Logger
  retries?: number
  minRetryDelayMs?: number
}

/** A Naver client paced at `NAVER_MAX_REQUESTS_PER_SECOND`, with a browser's User-Agent (Naver refuses bare clients). */
export function createNaverClient(
  config: Pick<AppConfig, 'naver'> & Partial<Pick<AppConfig, 'httpTimeoutMs'>>,
  options: NaverClientOptions = {},
): NaverClient {
  const http = createHttpClient({
    baseUrl: config.naver.baseUrl,
    source: 'naver',
    timeoutMs: config.httpTimeoutMs,
    maxRequestsPerSecond: config.naver.maxRequestsPerSecond,
    retries: options.retries,
    minTimeoutMs: options.minRetryDelayMs,
    headers: { 'user-agent': BROWSER_USER_AGENT, 'accept-language': 'ko-KR,ko;q=0.9,en;q=0.8' },
    logger: options.logger,
  })
  return new NaverClient(http)
}
