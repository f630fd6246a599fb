import type { Parsed } from '@kmd/core'

/**
 * KRX short codes and ISINs. A Korean share's ISIN is `KR7` + a five-character issuer code +
 * one share-class character + two more + a check digit, e.g. KR7005930003 for 005930.
 *
 * The six-character code equals ISIN[3..9) only for common shares (class character `0`):
 * measured on the stock master of 2026-04 (mdcstat01901-master-all-00), all 2,748 rows with a
 * `KR7…0…` ISIN match, while 102 of the 2,870 Korean ISINs do not: old-style preferred shares
 * (KR7001461003 → 001465, KR7001062009 → 001067), some new-style ones (KR737550K029 → 37550L)
 * and depositary receipts (KR8840140006 → 950220); foreign issuers (HK…, KY…, US…) have no
 * Korean part at all. Their codes are assigned by KRX, not derived, so they are not guessed here.
 */

const ISIN = /^[A-Z]{2}[0-9A-Z]{9}[0-9]$/

export function isIsin(text: string): boolean {
  return ISIN.test(text)
}


/** The six-character code of a Korean common share's ISIN; a problem for any other ISIN. */
export function stockCodeFromIsin(isin: string): Parsed<string> {
  if (!isIsin(isin)) return { ok: false, problem: `not an ISIN (${JSON.stringify(isin)})` }
  if (isin.startsWith('KR7') && isin[8] === '0') return { ok: true, value: isin.slice(3, 9) }
  return { ok: false, problem: `not derivable from ISIN ${isin} (only KR7 common-share ISINs carry the code)` }
}
