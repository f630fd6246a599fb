import iconv from 'iconv-lite'

// Naver Finance's item pages are EUC-KR; CP949 is its superset (the extra Hangul syllables
// Windows added), so decoding as CP949 never loses a character an EUC-KR page can carry.
const DEFAULT_CHARSET = 'cp949'

/**
 * Bytes of a Naver page → text, by the charset the answer declares (Content-Type, else the
 * page's own <meta>), EUC-KR when it declares none. The body must stay bytes until here:
 * decoding EUC-KR as UTF-8 destroys every Hangul character.
 */
export function decodeNaverPage(body: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType) ?? charsetOf(metaCharset(body)) ?? DEFAULT_CHARSET
  return iconv.decode(body, iconv.encodingExists(charset) ? normalise(charset) : DEFAULT_CHARSET)
}

function charsetOf(text: string | undefined): string | undefined {
  return /charset\s*=\s*["']?([\w-]+)/i.exec(text ?? '')?.[1]?.toLowerCase()
}

// The <meta> sits in the first bytes of the page and is plain ASCII in either encoding.
function metaCharset(body: Buffer): string | undefined {
  return /<meta[^>]+charset[^>]*>/i.exec(body.subarray(0, 2048).toString('latin1'))?.[0]
}

function normalise(charset: string): string {
  return charset === 'euc-kr' || charset === 'euckr' || charset === 'ks_c_5601-1987' ? DEFAULT_CHARSET : charset
}
