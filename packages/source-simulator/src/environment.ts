import { DEFAULT_INFOMAX_TOKEN, type InfomaxRateLimit } from './infomax/options.ts'
import { DEFAULT_KIS_APP_KEY, DEFAULT_KIS_APP_SECRET } from './kis/settings.ts'
import { DEFAULT_MEMBERS } from './options.ts'

/**
 * The Infomax limit of a simulator started for people (the demo, `pnpm etl simulator`): the
 * Lite plan's 60 a minute would make a load of every stock's free float take minutes, and the
 * pacing below stays within it, so no request is refused.
 */
export const LOOPBACK_INFOMAX_RATE_LIMIT: InfomaxRateLimit = { maxRequests: 60_000, windowMs: 60_000 }

/**
 * The variables that point every source at a simulator listening on `url`: its KRX member,
 * KIS app and Infomax token, and pacing fit for loopback (the real sources keep their
 * conservative defaults). `pnpm etl simulator` prints them; the demo runs with them.
 */
export function simulatorEnvironment(url: string, member: { id: string; password: string } = { id: 'demo', password: DEFAULT_MEMBERS.demo! }): Record<string, string> {
  return {
    KRX_BASE_URL: url,
    KRX_MEMBER_ID: member.id,
    KRX_MEMBER_PASSWORD: member.password,
    KRX_MAX_REQUESTS_PER_SECOND: '100',
    KIS_BASE_URL: url,
    KIS_APP_KEY: DEFAULT_KIS_APP_KEY,
    KIS_APP_SECRET: DEFAULT_KIS_APP_SECRET,
    KIS_MAX_REQUESTS_PER_SECOND: '1000',
    INFOMAX_BASE_URL: url,
    INFOMAX_API_TOKEN: DEFAULT_INFOMAX_TOKEN,
    INFOMAX_MAX_REQUESTS_PER_MINUTE: String(LOOPBACK_INFOMAX_RATE_LIMIT.maxRequests),
    NAVER_BASE_URL: url,
    NAVER_MAX_REQUESTS_PER_SECOND: '100',
  }
}
