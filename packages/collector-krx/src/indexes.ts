/**
 * KRX indexes by `indIdx/indIdx2` (group / three-character code), as MDCSTAT00601 asks for
 * them. Names are KRX's; an id not listed here is still collected, with a null name.
 */
export const KRX_INDEX_NAMES: Readonly<Record<string, string>> = {
  '1/001': '코스피',
  '1/028': '코스피 200',
  '1/034': '코스피 100',
  '1/035': '코스피 50',
  '2/001': '코스닥',
  '2/203': '코스닥 150',
  '5/300': 'KRX 300',
}

/** KOSPI 200 and KOSDAQ 150, the default of `KRX_INDEXES`. */
export const DEFAULT_KRX_INDEXES = ['1/028', '2/203'] as const

export interface KrxIndexId {
  /** `1/028` */
  id: string
  indIdx: string
  indIdx2: string
}

/** `"1/028"` → `{ indIdx: "1", indIdx2: "028" }`; throws on anything else (ids come from configuration). */
export function parseKrxIndexId(id: string): KrxIndexId {
  const match = /^([0-9])\/([0-9A-Z]{3})$/.exec(id.trim())
  if (!match) throw new RangeError(`KRX index id must look like 1/028, got ${JSON.stringify(id)}`)
  return { id: `${match[1]}/${match[2]}`, indIdx: match[1]!, indIdx2: match[2]! }
}
