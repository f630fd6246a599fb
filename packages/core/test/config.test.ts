import { describe, expect, test } from 'vitest'
import { ConfigError, loadConfig } from '../src/index.ts'

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return [...(error as ConfigError).problems]
  }
  throw new Error('expected loadConfig to throw')
}

describe('configuration', () => {
  test('defaults to the embedded database when DATABASE_URL is unset', () => {
    const config = loadConfig({})
    expect(config.databaseUrl).toBeUndefined()
    expect(config.embeddedDataDir).toBe('.data/pglite')
    expect(config.krx.maxRequestsPerSecond).toBe(2)
  })

  test('accepts a postgres URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://etl:pw@db:5432/market' }).databaseUrl).toBe('postgresql://etl:pw@db:5432/market')
  })

  test('a malformed DATABASE_URL is named, and its password is not echoed', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://etl:hunter2@db/market' })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^DATABASE_URL: must be a URL like postgres:\/\//)
    expect(problems[0]).not.toContain('hunter2')
  })

  test('STAGING_RETENTION_DAYS keeps promoted batches 30 days unless set; 0 purges at once, a negative or fractional count is refused', () => {
    expect(loadConfig({}).stagingRetentionDays).toBe(30)
    expect(loadConfig({ STAGING_RETENTION_DAYS: '0' }).stagingRetentionDays).toBe(0)
    expect(problemsOf({ STAGING_RETENTION_DAYS: '-1' })).toEqual(['STAGING_RETENTION_DAYS: must be at least 0 (got "-1")'])
    expect(problemsOf({ STAGING_RETENTION_DAYS: '1.5' })[0]).toMatch(/^STAGING_RETENTION_DAYS: must be a whole number/)
  })

  test('a URL without a database name is malformed', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://db:5432' })[0]).toMatch(/^DATABASE_URL:/)
  })

  test('every bad variable is named at once', () => {
    const problems = problemsOf({ LOG_LEVEL: 'loud', DATABASE_POOL_SIZE: 'many', KRX_BASE_URL: 'not a url' })
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_POOL_SIZE', 'KRX_BASE_URL', 'LOG_LEVEL'])
  })

  test('each source lists the credentials it lacks; blank counts as unset', () => {
    const config = loadConfig({ KRX_MEMBER_ID: 'me', KRX_MEMBER_PASSWORD: ' ', INFOMAX_API_TOKEN: 'token' })
    expect(config.unsetCredentials).toEqual({ krx: ['KRX_MEMBER_PASSWORD'], kis: ['KIS_APP_KEY', 'KIS_APP_SECRET'], infomax: [], naver: [], file: [] })
  })

  test('the error message lists each problem on its own line', () => {
    expect(() => loadConfig({ MINUTE_BARS_RETENTION_DAYS: '0' })).toThrowError(/Invalid configuration:\n {2}- MINUTE_BARS_RETENTION_DAYS: must be at least 1/)
  })
})
