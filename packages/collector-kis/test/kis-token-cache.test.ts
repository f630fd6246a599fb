import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KisTokenCache, KisTokens, type KisToken } from '../src/index.ts'

const IDENTITY = { baseUrl: 'https://openapi.koreainvestment.com:9443', appKey: 'PSg5dctL9dKPo727J13Ur405OSunit-test-key' }
const DAY = 86_400_000

let dir: string
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'kis-token-cache-')), 'tokens')
})
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true })
})

const token = (accessToken: string, lifetimeMs = DAY): KisToken => ({ accessToken, expiresAt: Date.now() + lifetimeMs })

describe('the KIS token cache', () => {
  it('keeps the token in a file only its owner can read, named without the app key', async () => {
    const cache = new KisTokenCache(dir, IDENTITY)
    await cache.write(token('token-one'))
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    expect((await stat(cache.file)).mode & 0o777).toBe(0o600)
    expect(cache.file).not.toContain(IDENTITY.appKey)
    expect(await readFile(cache.file, 'utf8')).not.toContain(IDENTITY.appKey)
    expect((await cache.read())?.accessToken).toBe('token-one')
  })

  it('replaces the token without leaving a half-written or temporary file', async () => {
    const cache = new KisTokenCache(dir, IDENTITY)
    await cache.write(token('token-one'))
    await cache.write(token('token-two'))
    expect(await readdir(dir)).toEqual([cache.file.split('/').at(-1)])
    expect((await cache.read())?.accessToken).toBe('token-two')
  })

  it('gives each app key and host a file of its own', () => {
    const a = new KisTokenCache(dir, IDENTITY).file
    const b = new KisTokenCache(dir, { ...IDENTITY, appKey: `${IDENTITY.appKey}-2` }).file
    const c = new KisTokenCache(dir, { ...IDENTITY, baseUrl: 'http://127.0.0.1:1' }).file
    expect(new Set([a, b, c]).size).toBe(3)
  })

  it('tightens a folder created with looser permissions', async () => {
    const cache = new KisTokenCache(dir, IDENTITY)
    await cache.write(token('token-one'))
    const { chmod } = await import('node:fs/promises')
    await chmod(dir, 0o755)
    await cache.write(token('token-two'))
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
  })

  it('ignores a file that does not hold a token', async () => {
    const cache = new KisTokenCache(dir, IDENTITY)
    await cache.write(token('token-one'))
    await writeFile(cache.file, '{"accessToken": 3')
    expect(await cache.read()).toBeUndefined()
  })

  it('lets one holder at a time through the lock', async () => {
    const cache = new KisTokenCache(dir, IDENTITY, { pollMs: 5 })
    const events: string[] = []
    const hold = (name: string) =>
      cache.withLock(async () => {
        events.push(`${name} in`)
        await sleep(30)
        events.push(`${name} out`)
      })
    await Promise.all([hold('a'), hold('b')])
    // Either may win the race for the lock; what matters is that the two never overlap.
    const first = events[0]!.split(' ')[0]!
    const second = first === 'a' ? 'b' : 'a'
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`])
  })

  it('takes over a lock left behind by a process that died', async () => {
    const cache = new KisTokenCache(dir, IDENTITY, { staleLockMs: 1_000, pollMs: 5 })
    await cache.write(token('token-one'))
    const lock = `${cache.file}.lock`
    await writeFile(lock, '99999\n')
    const old = new Date(Date.now() - 5_000)
    await utimes(lock, old, old)
    await expect(cache.withLock(async () => 'got it')).resolves.toBe('got it')
  })
})

describe('KIS tokens', () => {
  const issuer = () => {
    let issued = 0
    return {
      issue: async () => token(`issued-${++issued}`),
      count: () => issued,
    }
  }

  it('reuses a token another process cached instead of issuing one', async () => {
    await new KisTokenCache(dir, IDENTITY).write(token('from-another-process'))
    const { issue, count } = issuer()
    const tokens = new KisTokens(issue, new KisTokenCache(dir, IDENTITY))
    expect(await tokens.token()).toBe('from-another-process')
    expect(count()).toBe(0)
  })

  it('issues one token for callers asking at once, and caches it', async () => {
    const { issue, count } = issuer()
    const tokens = new KisTokens(issue, new KisTokenCache(dir, IDENTITY))
    const got = await Promise.all([tokens.token(), tokens.token(), tokens.token()])
    expect(new Set(got)).toEqual(new Set(['issued-1']))
    expect(count()).toBe(1)
    expect((await new KisTokenCache(dir, IDENTITY).read())?.accessToken).toBe('issued-1')
  })

  it('issues a new token when the cached one is about to expire', async () => {
    await new KisTokenCache(dir, IDENTITY).write(token('nearly-expired', 60_000))
    const { issue } = issuer()
    expect(await new KisTokens(issue, new KisTokenCache(dir, IDENTITY)).token()).toBe('issued-1')
  })

  it('renews a refused token once, and takes a replacement someone else already cached', async () => {
    const { issue, count } = issuer()
    const tokens = new KisTokens(issue, new KisTokenCache(dir, IDENTITY))
    const first = await tokens.token()
    const renewed = await tokens.renew(first)
    expect(renewed).toBe('issued-2')
    expect(await tokens.renew(first)).toBe('issued-2')

    // Another process renewed 'issued-2' already: a third holder refused with it reads that one.
    await new KisTokenCache(dir, IDENTITY).write(token('renewed-elsewhere'))
    const other = new KisTokens(issue, new KisTokenCache(dir, IDENTITY))
    expect(await other.renew('issued-2')).toBe('renewed-elsewhere')
    expect(count()).toBe(2)
  })
})
