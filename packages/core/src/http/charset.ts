import { TextDecoder } from 'node:util'

/**
 * Bytes of an answer → text, by the charset the answer declares: its Content-Type first, then,
 * for an HTML page, its own `<meta charset>` / `<meta http-equiv content>`, else the caller's
 * fallback (UTF-8 unless a source says otherwise, e.g. Naver's EUC-KR pages). Decoding never
 * throws: a byte the charset cannot read becomes U+FFFD, which the row checks of
 * `text-hygiene.ts` then report as a parse error of the row that holds it, so a wrongly
 * labelled answer never yields good-looking names.
 */

// Labels Node's TextDecoder (the WHATWG Encoding Standard) does not know but Korean sites send.
// WHATWG "euc-kr" is already Windows code page 949 (Unified Hangul Code), EUC-KR's superset.
const ALIASES: Readonly<Record<string, string>> = { cp949: 'euc-kr', ms949: 'euc-kr', uhc: 'euc-kr', 'x-windows-949': 'euc-kr' }

export const DEFAULT_CHARSET = 'utf-8'

/** The charset a Content-Type (or a meta tag's text) names, lower case; undefined when it names none. */
export function charsetOf(contentType: string | readonly string[] | undefined): string | undefined {
  const text = Array.isArray(contentType) ? contentType[0] : (contentType as string | undefined)
  return /charset\s*=\s*["']?([\w.:-]+)/i.exec(text ?? '')?.[1]?.toLowerCase()
}

/** The charset an HTML page declares in a `<meta>` within its first 2 KB (plain ASCII in any charset it may use). */
export function metaCharsetOf(body: Buffer): string | undefined {
  const head = body.subarray(0, 2048).toString('latin1')
  if (!/^\s*</.test(head.replace(/^\uFEFF|^\xEF\xBB\xBF/, ''))) return undefined
  return charsetOf(/<meta[^>]+charset[^>]*>/i.exec(head)?.[0])
}

/** The charset to decode with: Content-Type, else the HTML meta tag, else `fallback`. */
export function charsetFor(body: Buffer, contentType: string | readonly string[] | undefined, fallback = DEFAULT_CHARSET): string {
  return charsetOf(contentType) ?? metaCharsetOf(body) ?? fallback
}

/** Decodes an answer's bytes as it declares (see `charsetFor`); an unknown charset is read as UTF-8. */
export function decodeBody(body: Buffer, contentType: string | readonly string[] | undefined, fallback = DEFAULT_CHARSET): string {
  const declared = charsetFor(body, contentType, fallback)
  return decoderFor(ALIASES[declared] ?? declared).decode(body)
}

const decoders = new Map<string, TextDecoder>()

function decoderFor(charset: string): TextDecoder {
  let decoder = decoders.get(charset)
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(charset)
    } catch {
      // A label no decoder knows: UTF-8, whose replacement characters then mark every non-ASCII text.
      decoder = new TextDecoder(DEFAULT_CHARSET)
    }
    decoders.set(charset, decoder)
  }
  return decoder
}
