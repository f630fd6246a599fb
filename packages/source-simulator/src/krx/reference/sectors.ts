/**
 * 업종 (MDCSTAT03901 IDX_IND_NM) of a synthetic stock, read from its line of business: a name
 * ends in one of the business words of korean-names.ts, and that word picks the KOSPI and the
 * KOSDAQ sector, each market with KRX's own sector names.
 */

type SectorPair = readonly [kospi: string, kosdaq: string]

const SECTOR_BY_BUSINESS: ReadonlyArray<readonly [business: string, sectors: SectorPair]> = [
  ['생명과학', ['의약품', '제약']],
  ['디스플레이', ['전기전자', 'IT부품']],
  ['머티리얼즈', ['화학', 'IT부품']],
  ['엔지니어링', ['건설업', '건설']],
  ['인터내셔널', ['유통업', '유통']],
  ['코퍼레이션', ['서비스업', '기타서비스']],
  ['네트웍스', ['통신업', '통신장비']],
  ['로보틱스', ['기계', '기계·장비']],
  ['헬스케어', ['의료정밀', '의료·정밀기기']],
  ['에프앤비', ['음식료품', '음식료·담배']],
  ['반도체', ['전기전자', '반도체']],
  ['바이오', ['의약품', '제약']],
  ['에너지', ['전기가스업', '기타제조']],
  ['게임즈', ['서비스업', '디지털컨텐츠']],
  ['솔루션', ['서비스업', '소프트웨어']],
  ['시스템', ['서비스업', '컴퓨터서비스']],
  ['홀딩스', ['금융업', '금융']],
  ['인베스트', ['증권', '금융']],
  ['중공업', ['운수장비', '운송장비·부품']],
  ['리테일', ['유통업', '유통']],
  ['메디칼', ['의료정밀', '의료·정밀기기']],
  ['이노텍', ['전기전자', 'IT부품']],
  ['모터스', ['운수장비', '운송장비·부품']],
  ['케미칼', ['화학', '화학']],
  ['씨앤씨', ['서비스업', '기타서비스']],
  ['이앤씨', ['건설업', '건설']],
  ['글로벌', ['유통업', '유통']],
  ['전자', ['전기전자', '일반전기전자']],
  ['화학', ['화학', '화학']],
  ['제약', ['의약품', '제약']],
  ['산업', ['기계', '기계·장비']],
  ['건설', ['건설업', '건설']],
  ['물산', ['유통업', '유통']],
  ['식품', ['음식료품', '음식료·담배']],
  ['소재', ['화학', '화학']],
  ['엔터', ['서비스업', '오락·문화']],
  ['정밀', ['의료정밀', '의료·정밀기기']],
  ['철강', ['철강금속', '금속']],
  ['해운', ['운수창고업', '운송']],
  ['제지', ['종이목재', '종이·목재']],
  ['섬유', ['섬유의복', '섬유·의류']],
  ['푸드', ['음식료품', '음식료·담배']],
  ['파마', ['의약품', '제약']],
  ['테크', ['전기전자', 'IT부품']],
  ['통신', ['통신업', '통신서비스']],
  ['개발', ['건설업', '건설']],
  ['기계', ['기계', '기계·장비']],
  ['전기', ['전기전자', '일반전기전자']],
  ['금속', ['철강금속', '금속']],
  ['광학', ['의료정밀', '의료·정밀기기']],
  ['랩스', ['서비스업', '소프트웨어']],
  ['월드', ['서비스업', '오락·문화']],
  ['텍', ['전기전자', 'IT부품']],
  ['팜', ['의약품', '제약']],
]
const OTHER: SectorPair = ['기타제조업', '기타제조']

// Preferred shares carry their common share's name plus a class suffix, e.g. 한국전자우, 대한화학2우B.
const PREFERRED_SUFFIX = /(?:[0-9]?우B?)$/

/** The sector of a stock named `name` in KOSPI (`STK`) or KOSDAQ (`KSQ`). */
export function sectorOf(name: string, market: 'STK' | 'KSQ' | 'KNX'): string {
  if (name.includes('스팩')) return market === 'STK' ? '금융업' : '금융'
  const business = name.replace(PREFERRED_SUFFIX, '')
  const pair = SECTOR_BY_BUSINESS.find(([word]) => business.endsWith(word))?.[1] ?? OTHER
  return market === 'STK' ? pair[0] : pair[1]
}
