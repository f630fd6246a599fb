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
      extraApps: [],
      custType: 'P',
      maxRequestsPerSecond: 20,
      tokenCacheDir: '.data/kis-token',
    })
  })

  it('reads more apps from KIS_EXTRA_APP_KEYS as appkey:appsecret pairs, and names a malformed entry without its value', () => {
    expect(loadConfig({ KIS_EXTRA_APP_KEYS: ' PSkey2:secret2 , PSkey3:secret3 ' }).kis.extraApps).toEqual([
      { appKey: 'PSkey2', appSecret: 'secret2' },
      { appKey: 'PSkey3', appSecret: 'secret3' },
    ])
    let message = ''
    try {
      loadConfig({ KIS_EXTRA_APP_KEYS: 'PSkey2:secret2,PSkey3-without-secret' })
    } catch (error) {
      message = String(error)
    }
    expect(message).toContain('KIS_EXTRA_APP_KEYS')
    expect(message).toContain('entry 2 is not appkey:appsecret')
    expect(message).not.toContain('secret2')
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
