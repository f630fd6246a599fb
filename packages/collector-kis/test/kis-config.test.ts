import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '@kmd/core'

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return [...(error as ConfigError).problems]
  }
  throw new Error('expected loadConfig to throw')
}

describe('KIS configuration', () => {
  it('defaults to the real environment, its host and its pace', () => {
    expect(loadConfig({}).kis).toEqual({
      env: 'real',
      baseUrl: 'https://openapi.koreainvestment.com:9443',
      appKey: undefined,
      appSecret: undefined,
      custType: 'P',
      maxRequestsPerSecond: 20,
      tokenCacheDir: '.data/kis-token',
    })
  })

  it('takes the mock environment’s host and slower pace', () => {
    expect(loadConfig({ KIS_ENV: 'mock' }).kis).toMatchObject({ baseUrl: 'https://openapivts.koreainvestment.com:29443', maxRequestsPerSecond: 2 })
  })

  it('lets KIS_BASE_URL and KIS_MAX_REQUESTS_PER_SECOND override the environment’s, and treats blanks as unset', () => {
    expect(loadConfig({ KIS_ENV: 'mock', KIS_BASE_URL: 'http://127.0.0.1:8484', KIS_MAX_REQUESTS_PER_SECOND: '5' }).kis).toMatchObject({
      env: 'mock',
      baseUrl: 'http://127.0.0.1:8484',
      maxRequestsPerSecond: 5,
    })
    expect(loadConfig({ KIS_BASE_URL: '', KIS_MAX_REQUESTS_PER_SECOND: ' ' }).kis).toMatchObject({ baseUrl: 'https://openapi.koreainvestment.com:9443', maxRequestsPerSecond: 20 })
  })

  it('names every bad KIS variable at once, and trims the key and the secret', () => {
    const problems = problemsOf({ KIS_ENV: 'paper', KIS_CUSTTYPE: 'X', KIS_MAX_REQUESTS_PER_SECOND: '0', KIS_BASE_URL: 'not a url' })
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['KIS_BASE_URL', 'KIS_CUSTTYPE', 'KIS_ENV', 'KIS_MAX_REQUESTS_PER_SECOND'])
    const config = loadConfig({ KIS_APP_KEY: ' key-1 ', KIS_APP_SECRET: 'secret-2' })
    expect(config.kis).toMatchObject({ appKey: 'key-1', appSecret: 'secret-2' })
  })
})
