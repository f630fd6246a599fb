import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Naver pages recorded as served (shared/fixtures/naver/<page>-<code>-page<n>.euc-kr.html, the
 * EUC-KR bytes untouched). A request for that page, code and number gets the recording.
 */
const RECORDING = /^(sise_day|frgn)-([0-9A-Z]{6})-page(\d+)\.euc-kr\.html$/

export class RecordedNaverPages {
  private constructor(private readonly pages: ReadonlyMap<string, Buffer>) {}

  static load(fixturesDir: string): RecordedNaverPages {
    const dir = join(fixturesDir, 'naver')
    const pages = new Map<string, Buffer>()
    if (existsSync(dir)) {
      for (const name of readdirSync(dir).sort()) {
        const match = RECORDING.exec(name)
        if (match) pages.set(keyOf(match[1]!, match[2]!, Number(match[3])), readFileSync(join(dir, name)))
      }
    }
    return new RecordedNaverPages(pages)
  }

  get size(): number {
    return this.pages.size
  }

  /** `page` is the path's last part without `.naver`, e.g. `sise_day`. */
  find(page: string, code: string, number: number): Buffer | undefined {
    return this.pages.get(keyOf(page, code, number))
  }
}

function keyOf(page: string, code: string, number: number): string {
  return `${page}|${code}|${number}`
}
