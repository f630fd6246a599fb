import { describe, expect, test } from 'vitest'
import { judge } from './campaign.ts'
import { mutationKinds, payloadsFor } from './mutations.ts'
import { loadRecordedDay } from './recorded-day.ts'

/** The campaign's own promises: what a payload claims it left alone really is untouched, and the judge is strict. */

const day = loadRecordedDay()
const codeOf = (row: Record<string, unknown>) => String(row.ISU_SRT_CD)
const recordedByCode = new Map(day.rows.map((row) => [codeOf(row), JSON.stringify(row)]))

function servedRows(body: Buffer, contentType: string): Array<Record<string, unknown>> | undefined {
  const charset = /charset=([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8'
  try {
    const document = JSON.parse(new TextDecoder(charset).decode(body)) as { OutBlock_1?: unknown }
    return Array.isArray(document.OutBlock_1) ? (document.OutBlock_1 as Array<Record<string, unknown>>) : undefined
  } catch {
    return undefined
  }
}

describe('mutated payloads', () => {
  test('one cycle covers every mutation kind, and a seed gives the same payloads again', () => {
    const kinds = mutationKinds(day)
    const cycle = payloadsFor(day, 42, kinds.length)
    expect(new Set(cycle.map((payload) => payload.kind.split(':')[0]))).toEqual(new Set(['field', 'answer', 'code', 'rows']))
    expect(payloadsFor(day, 42, 5).map((payload) => payload.description)).toEqual(cycle.slice(0, 5).map((payload) => payload.description))
  })

  test('every stock a payload calls untouched is served exactly as recorded, once unless it is a declared key conflict', () => {
    for (const payload of payloadsFor(day, 7, mutationKinds(day).length)) {
      const untouched = day.rows.map(codeOf).filter((code) => !payload.touched.has(code))
      if (untouched.length === 0) continue
      const rows = servedRows(payload.answer.body, payload.answer.contentType)
      expect(rows, `${payload.kind}: ${payload.description}`).toBeDefined()
      const servedByCode = new Map<string, string[]>()
      for (const row of rows!) {
        if (row === null || typeof row !== 'object') continue
        servedByCode.set(codeOf(row), [...(servedByCode.get(codeOf(row)) ?? []), JSON.stringify(row)])
      }
      const problems = untouched.flatMap((code) => {
        const served = servedByCode.get(code) ?? []
        if (!served.includes(recordedByCode.get(code)!)) return [`${code} not served as recorded`]
        if (served.length !== 1 && !payload.keyConflicts.has(code)) return [`${code} served ${served.length} times, no conflict declared`]
        return []
      })
      expect(problems, `${payload.kind}: ${payload.description}`).toEqual([])
    }
  })
})

describe('the judge', () => {
  const reference = new Map([
    ['000001', { close: '100.00', volume: '5' }],
    ['000002', { close: '200.00', volume: '6' }],
    ['000003', { close: '300.00', volume: '7' }],
  ])
  const untouched = { touched: new Set<string>(), keyConflicts: new Map<string, string>() }

  test('a complete, honest load passes', () => {
    expect(judge(untouched, reference, new Map(reference), { status: 'SUCCESS' }).violations).toEqual([])
  })

  test('a changed value or a stock the source never sent is a corrupt row', () => {
    const production = new Map(reference)
    production.set('000002', { close: '200.00', volume: '6000' })
    production.set('999999', { close: '1.00', volume: '1' })
    const verdict = judge(untouched, reference, production, { status: 'PARTIAL' })
    expect(verdict.corruptRows).toBe(2)
    expect(verdict.violations.map((v) => v.invariant)).toEqual(['a:corrupt-row'])
  })

  test('an untouched row missing is lost unless its key was contested; a missing row makes SUCCESS false', () => {
    const production = new Map([['000001', reference.get('000001')!]])
    const lost = judge({ touched: new Set(['000002']), keyConflicts: new Map() }, reference, production, { status: 'SUCCESS' })
    expect(lost.goodRowsLost).toBe(1)
    expect(lost.violations.map((v) => v.invariant)).toEqual(['b:good-row-lost', 'c:false-success'])
    const contested = judge({ touched: new Set(['000002']), keyConflicts: new Map([['000003', 'sent twice']]) }, reference, production, { status: 'PARTIAL' })
    expect(contested).toMatchObject({ goodRowsLost: 0, heldBack: ['000003: sent twice'], violations: [] })
  })

  test('SKIPPED with stocks missing is as false as SUCCESS', () => {
    expect(judge({ touched: new Set(reference.keys()), keyConflicts: new Map() }, reference, new Map(), { status: 'SKIPPED' }).falseSuccess).toBe(true)
  })
})
