import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { upperKeys } from './wire.ts'

/**
 * The official KIS request/response examples (shared/fixtures/kis/*.json). A request whose
 * query (or token body) carries every field of a recorded request, with the same values, gets
 * the recorded response. KIS cut these examples: where the envelope (`rt_cd`, `msg_cd`, `msg1`)
 * is missing the simulator adds the success envelope, since a real answer always has it; the
 * recorded fields themselves are served unchanged.
 */
export interface KisRecording {
  file: string
  /** Request fields, keys upper-cased. */
  request: Record<string, string>
  response: Record<string, unknown>
}

export class KisRecordings {
  private constructor(readonly all: readonly KisRecording[]) {}

  static load(fixturesDir: string): KisRecordings {
    const dir = join(fixturesDir, 'kis')
    if (!existsSync(dir)) return new KisRecordings([])
    const all = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((file) => {
        const recording = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { request: Record<string, string>; response: Record<string, unknown> }
        return { file, request: upperKeys(recording.request), response: recording.response }
      })
    return new KisRecordings(all)
  }

  /** The recording of `file` whose request fields all equal the given ones. */
  find(file: string, fields: Record<string, string>): KisRecording | undefined {
    const given = upperKeys(fields)
    return this.all.find((recording) => recording.file === file && Object.entries(recording.request).every(([name, value]) => given[name] === value))
  }

  byFile(file: string): KisRecording | undefined {
    return this.all.find((recording) => recording.file === file)
  }
}

export const RECORDED_FILES = {
  token: 'token.example.json',
  dailyChart: 'daily-itemchartprice.example.json',
  investorDaily: 'investor-trade-by-stock-daily.example.json',
  investorRecent: 'inquire-investor.example.json',
  holidays: 'chk-holiday.example.json',
} as const
