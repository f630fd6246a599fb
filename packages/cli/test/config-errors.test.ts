import { describe, expect, test } from 'vitest'
import { runCli } from './run-cli.ts'

describe('etl with bad configuration', () => {
  test('a malformed DATABASE_URL stops before connecting, naming the variable', async () => {
    const result = await runCli(['migrate'], { DATABASE_URL: 'localhost:5432/market' })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('DATABASE_URL: must be a URL like postgres://')
    expect(result.stdout).toBe('')
  })

  test('every malformed variable is listed in one message', async () => {
    const result = await runCli(['status'], { DATABASE_POOL_SIZE: 'ten', LOG_LEVEL: 'chatty' })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/DATABASE_POOL_SIZE: must be a number/)
    expect(result.stderr).toMatch(/LOG_LEVEL: must be one of/)
  })
})
