/**
 * What a test can make the Infomax routes do wrong, beyond the generic faults (http500,
 * http429, slow, truncatedJson) that `simulator.faults` applies to any path: a field missing
 * from rows, a field the vendor added, a value of the wrong type, or a `success: false`
 * refusal with a given error text. Each quirk applies to the next `times` requests of its
 * endpoint, then it is spent.
 */

export type InfomaxQuirk =
  | { kind: 'missingField'; endpoint: string; field: string; rows?: number; times?: number }
  | { kind: 'extraField'; endpoint: string; field: string; value: unknown; rows?: number; times?: number }
  | { kind: 'wrongType'; endpoint: string; field: string; value: unknown; rows?: number; times?: number }
  | { kind: 'failure'; endpoint: string; text: string; status?: number; times?: number }

export type InfomaxQuirkKind = InfomaxQuirk['kind']

export interface AppliedInfomaxQuirk {
  kind: InfomaxQuirkKind
  endpoint: string
  field: string | undefined
  /** Index in `simulator.requests`. */
  requestIndex: number
  /** `code` (or `isin`) of each row changed; empty for a refusal. */
  affectedCodes: string[]
}

type Pending = InfomaxQuirk & { remaining: number }
type Row = Record<string, unknown>

const ROW_QUIRKS = new Set<InfomaxQuirkKind>(['missingField', 'extraField', 'wrongType'])

export class InfomaxQuirks {
  private active: Pending[] = []
  /** Every quirk that fired, in order. */
  readonly applied: AppliedInfomaxQuirk[] = []

  /**
   * `rows` is how many rows of the answer a row quirk changes, from the first (default 1;
   * Infinity for all); `times` how many requests it applies to (default 1; Infinity allowed).
   */
  inject(quirk: InfomaxQuirk): void {
    const times = quirk.times ?? 1
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) throw new RangeError(`times must be a whole number > 0 or Infinity, got ${times}`)
    if (!quirk.endpoint.startsWith('/api/')) throw new RangeError(`endpoint must be an /api/ path, got "${quirk.endpoint}"`)
    this.active.push({ ...quirk, remaining: times })
  }

  clear(): void {
    this.active = []
  }

  pending(): readonly InfomaxQuirk[] {
    return this.active.map(({ remaining, ...quirk }) => ({ ...quirk, times: remaining }))
  }

  /** Uses up one application of every quirk for this endpoint. */
  take(endpoint: string): InfomaxQuirk[] {
    const taken = this.active.filter((quirk) => quirk.endpoint === endpoint)
    for (const quirk of taken) quirk.remaining -= 1
    this.active = this.active.filter((quirk) => quirk.remaining > 0)
    return taken
  }

  /** The refusal among the taken quirks, if any; it replaces the whole answer. */
  refusal(taken: readonly InfomaxQuirk[], requestIndex: number): { text: string; status: number } | undefined {
    const failure = taken.find((quirk): quirk is Extract<InfomaxQuirk, { kind: 'failure' }> => quirk.kind === 'failure')
    if (!failure) return undefined
    this.applied.push({ kind: 'failure', endpoint: failure.endpoint, field: undefined, requestIndex, affectedCodes: [] })
    return { text: failure.text, status: failure.status ?? 200 }
  }

  /** Changes the rows in place for the taken row quirks and records what each touched. */
  applyToRows(taken: readonly InfomaxQuirk[], rows: Row[], requestIndex: number): void {
    for (const quirk of taken) {
      if (!ROW_QUIRKS.has(quirk.kind) || quirk.kind === 'failure') continue
      const changed = rows.slice(0, Math.min(rows.length, quirk.rows ?? 1))
      // Read before changing: the quirk may remove the very field that names the row.
      const affectedCodes = changed.map((row) => String(row.code ?? row.isin ?? ''))
      for (const row of changed) {
        if (quirk.kind === 'missingField') delete row[quirk.field]
        else row[quirk.field] = quirk.value
      }
      this.applied.push({
        kind: quirk.kind,
        endpoint: quirk.endpoint,
        field: quirk.field,
        requestIndex,
        affectedCodes,
      })
    }
  }
}
