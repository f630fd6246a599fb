import { describe, expect, test } from 'vitest'
import { dayStatus, escapeHtml, html, isoWeekOf, parseIsoWeek, previousIsoWeek, scriptJson } from '../src/index.ts'

describe('ISO weeks', () => {
  test('a week runs Monday to Sunday and week 1 holds the first Thursday', () => {
    expect(parseIsoWeek('2025-W52')).toEqual({ id: '2025-W52', monday: '2025-12-22', sunday: '2025-12-28' })
    expect(isoWeekOf('2025-12-29').id).toBe('2026-W01')
    expect(isoWeekOf('2021-01-03').id).toBe('2020-W53')
    expect(previousIsoWeek(parseIsoWeek('2026-W01')).id).toBe('2025-W52')
  })

  test('a malformed week or one its year lacks is refused, naming it', () => {
    expect(() => parseIsoWeek('2025-52')).toThrow('not an ISO week in the form YYYY-Www (e.g. 2025-W52): "2025-52"')
    expect(() => parseIsoWeek('2025-W53')).toThrow('2025 has no ISO week 53')
    expect(() => parseIsoWeek('2025-W00')).toThrow('2025 has no ISO week 0')
  })
})

describe('day status', () => {
  const ledger = (complete: boolean) => ({ ledger: { complete, expected: 10, present: complete ? 10 : 8, missing: complete ? 0 : 2 }, latestLoad: undefined, failedRuns: 0, runs: 1 })
  test('the ledger decides complete or partial; failures without rows are failed; holidays are skipped; the future is not missing', () => {
    expect(dayStatus('2025-12-22', '2026-01-01', ledger(true))).toBe('complete')
    expect(dayStatus('2025-12-22', '2026-01-01', ledger(false))).toBe('partial')
    expect(dayStatus('2025-12-22', '2026-01-01', { ledger: undefined, latestLoad: undefined, failedRuns: 2, runs: 2 })).toBe('failed')
    expect(dayStatus('2025-12-25', '2026-01-01', undefined)).toBe('holiday')
    expect(dayStatus('2025-12-22', '2026-01-01', undefined)).toBe('missing')
    expect(dayStatus('2026-01-02', '2026-01-02', undefined)).toBe('future')
  })
})

describe('HTML from database text', () => {
  test('every interpolated value is escaped; script JSON cannot close its element', () => {
    const message = `<img src=x onerror="alert('x')">&`
    expect(html`<td title="${message}">${message}</td>`.text).toBe(`<td title="${escapeHtml(message)}">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</td>`)
    expect(scriptJson({ key: '</script><script>alert(1)</script>' }).text).not.toContain('</script>')
  })
})
