import { readFileSync } from 'node:fs'
import { rowsOf, type KrxRow, type KrxScreenFetcher } from '../src/index.ts'

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

export interface ScreenCall {
  bld: string
  fields: Record<string, string>
}

/** Answers screen requests from a function and remembers what was asked. */
export function stubKrx(answer: (call: ScreenCall) => KrxRow[]): KrxScreenFetcher & { calls: ScreenCall[] } {
  const calls: ScreenCall[] = []
  return {
    calls,
    fetchScreen: async (bld, fields = {}) => {
      calls.push({ bld, fields })
      return answer({ bld, fields })
    },
  }
}

/** The rows of a recorded KRX answer, as the client hands them to collectors. */
export function recordedRows(name: string): KrxRow[] {
  const fixture = readKrxFixture(name)
  return rowsOf(JSON.parse(fixture.response.body), fixture.request.form.bld!)
}
