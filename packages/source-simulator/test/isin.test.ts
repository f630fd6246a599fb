import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { isinCheckDigit } from '../src/krx/isin.ts'

describe('ISIN check digit', () => {
  test('matches every ISIN in the recorded 2021-01-04 KRX listing, letters included', () => {
    const recording = JSON.parse(readFileSync(new URL('../../../../shared/fixtures/krx/mdcstat01501-all-20210104-00.json', import.meta.url), 'utf8'))
    const isins: string[] = JSON.parse(recording.response.body).OutBlock_1.map((row: { ISU_CD: string }) => row.ISU_CD)
    expect(isins.length).toBe(2531)
    expect(isins).toContain('KR733626K021')
    expect(isins).toContain('HK0000307485')
    for (const isin of isins) expect(isinCheckDigit(isin.slice(0, 11)), isin).toBe(isin.slice(11))
  })

  test('a changed character changes the check digit', () => {
    expect(isinCheckDigit('KR700593000')).toBe('3')
    expect(isinCheckDigit('KR700593100')).not.toBe('3')
  })
})
