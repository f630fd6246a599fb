import { decodeBody } from '@kmd/core'

// Naver Finance's item pages are EUC-KR (decoded as CP949, its superset, by core's decoder).
const NAVER_DEFAULT_CHARSET = 'euc-kr'

/**
 * Bytes of a Naver page → text, by core's one rule for every source: the charset the answer
 * declares (Content-Type, else the page's own <meta>), here EUC-KR when it declares none. Bytes
 * the charset cannot read become U+FFFD, which the row check reports as a parse error.
 */
export function decodeNaverPage(body: Buffer, contentType: string | undefined): string {
  return decodeBody(body, contentType, NAVER_DEFAULT_CHARSET)
}
