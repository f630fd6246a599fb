import { readFileSync } from 'node:fs'

// Recorded payloads live next to the repository: <repo root>/../shared/fixtures.
const REPO_ROOT = new URL('../../../', import.meta.url)
const KRX_FIXTURES = new URL('../shared/fixtures/krx/', REPO_ROOT)

interface KrxFixture {
  request: { method: string; url: string; query: Record<string, string>; form: Record<string, string> }
  response: { status: number; contentType: string; body: string }
}

/** A recorded KRX exchange, e.g. `mdcstat01501-all-20210104-00`. */
export function readKrxFixture(name: string): KrxFixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, KRX_FIXTURES), 'utf8')) as KrxFixture
}
