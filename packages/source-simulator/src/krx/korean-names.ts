import { pick } from './random.ts'

/** Company names that read like KRX listings: a head, sometimes a middle, and a line of business. */

const HEADS = [
  '대한', '한국', '동양', '삼화', '신성', '세진', '우진', '태광', '한솔', '대성', '동원', '삼양', '일진', '영풍',
  '한일', '금호', '대림', '동서', '부국', '서울', '성우', '신원', '아진', '한미', '유니', '코리아', '나노', '글로벌',
  '스마트', '그린', '미래', '하나', '새한', '조일', '광명', '동방', '청담', '중앙', '경인', '남선', '대원', '보성',
  '삼영', '선진', '성보', '신풍', '오리', '용성', '이수', '제일', '진양', '천일', '태양', '한성', '화신', '흥국',
  'KT', 'SK', 'LS', 'GS', 'HD', 'DB', 'CJ', 'KG', 'JW', 'SG', 'DI', 'HL', 'TS', 'KC', 'NH', 'BNK', 'iM', 'E1',
]
const MIDDLES = ['', '', '', '', '신', '에이', '케이', '엠', '디', '제이', '티', '씨', '유', '비', '아이']
const TAILS = [
  '전자', '화학', '제약', '산업', '건설', '물산', '식품', '에너지', '소재', '반도체', '로보틱스', '바이오',
  '헬스케어', '엔터', '게임즈', '솔루션', '시스템', '네트웍스', '머티리얼즈', '홀딩스', '인베스트', '정밀',
  '중공업', '철강', '해운', '제지', '섬유', '리테일', '푸드', '메디칼', '파마', '디스플레이', '이노텍',
  '테크', '텍', '통신', '모터스', '케미칼', '생명과학', '에프앤비', '씨앤씨', '이앤씨', '엔지니어링', '개발',
  '기계', '전기', '금속', '광학', '팜', '랩스', '글로벌', '인터내셔널', '월드', '코퍼레이션',
]
const SPAC_SPONSORS = [
  '하나금융', '엔에이치', '삼성', '미래에셋', '키움', '유안타', '교보', '대신밸런스', '신한', 'IBKS', '케이비',
  '한화플러스', 'DB금융', '하이', '유진', 'SK', '에이치엠씨아이비', '상상인이안', '신영', '한국투자',
]
export function koreanCompanyName(random: () => number): string {
  return pick(random, HEADS) + pick(random, MIDDLES) + pick(random, TAILS)
}

/** Special-purpose acquisition companies are named after their sponsor and a number, e.g. DB금융스팩8호. */
export function spacName(random: () => number, number: number): string {
  return `${pick(random, SPAC_SPONSORS)}스팩${number}호`
}
