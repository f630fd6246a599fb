import { readFileSync } from 'node:fs'
import type { KisAnswer, KisRow } from '../src/index.ts'

// Recorded payloads live next to the repository: <repo root>/../shared/fixtures.
const REPO_ROOT = new URL('../../../', import.meta.url)
const KIS_FIXTURES = new URL('../shared/fixtures/kis/', REPO_ROOT)

export interface KisFixture {
  request: Record<string, string>
  response: Record<string, unknown>
}

/** An official KIS example, e.g. `daily-itemchartprice`. */
export function readKisFixture(name: string): KisFixture {
  return JSON.parse(readFileSync(new URL(`${name}.example.json`, KIS_FIXTURES), 'utf8')) as KisFixture
}

/** The rows under `key` of a recorded answer. */
export function recordedRows(name: string, key: string): KisRow[] {
  return readKisFixture(name).response[key] as KisRow[]
}

/** A recorded answer as the client hands it to the collectors. */
export function recordedAnswer(name: string, trCont = 'D'): KisAnswer {
  return { body: readKisFixture(name).response, trCont }
}
