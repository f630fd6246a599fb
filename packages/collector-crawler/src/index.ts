/**
 * Collectors for the public web sources. Each source is its own folder with its own client;
 * nothing here touches the database.
 *   krx/    KRX data portal (data.krx.co.kr): JSON statistics screens behind a member login
 *   naver/  Naver Finance HTML pages (EUC-KR): daily prices and institution/foreigner net volumes, a fallback source
 */
export * from './krx/index.ts'
export * from './naver/index.ts'
