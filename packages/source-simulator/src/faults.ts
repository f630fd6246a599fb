/**
 * Faults a test asks for, one request at a time. Each injected fault applies to the next
 * `times` requests it matches, then it is spent. Without `match.path` a fault only matches
 * KRX data requests (getJsonData.cmd), so it is not used up by the login steps before them.
 */

export const FAULT_KINDS = [
  'http500',
  'http429',
  'slow',
  'truncatedJson',
  'maintenancePage',
  'logout',
  'unparsableNumbers',
  'inconsistentOhlc',
  'duplicateRows',
  'missingStocks',
  'nulInField',
  'emptyRows',
  'duplicateDataKey',
  'eucKrBody',
  'eucKrBodyUndeclared',
  'eucKrBodyMislabelled',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** Faults that change the rows of a JSON answer instead of replacing the answer. */
export const ROW_FAULTS: ReadonlySet<FaultKind> = new Set(['unparsableNumbers', 'inconsistentOhlc', 'duplicateRows', 'missingStocks', 'nulInField', 'emptyRows'])

/** Faults that re-encode a text answer as EUC-KR bytes, and the Content-Type each then declares. */
export const ENCODING_FAULTS: ReadonlyMap<FaultKind, string> = new Map<FaultKind, string>([
  ['eucKrBody', 'text/html; charset=EUC-KR'],
  ['eucKrBodyUndeclared', 'text/html'],
  ['eucKrBodyMislabelled', 'text/html; charset=utf-8'],
])

export const DATA_PATH = '/comm/bldAttendant/getJsonData.cmd'
const DEFAULT_SLOW_DELAY_MS = 2_000

export interface FaultMatch {
  /** A full bld path, or its last part, e.g. `MDCSTAT01501`. */
  bld?: string
  /** A request path, e.g. `/contents/MDC/COMS/client/MDCCOMS001D1.cmd`. */
  path?: string
}

export interface FaultSpec {
  kind: FaultKind
  match?: FaultMatch
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number
  /** For `slow`: how long to wait before answering (default 2,000 ms). */
  delayMs?: number
  /** For `nulInField`: the field to put the NUL in (default a text field, e.g. `ISU_ABBRV`). */
  field?: string
}

export interface PendingFault {
  kind: FaultKind
  match: FaultMatch
  remaining: number
  delayMs: number
  field: string | undefined
}

export interface AppliedFault {
  kind: FaultKind
  path: string
  bld: string | undefined
  /** Request number (index in `requests`) it was applied to. */
  requestIndex: number
  /** ISU_SRT_CD (Infomax: `code`) of the rows a row fault touched (repeated, dropped, corrupted). */
  affectedCodes: string[]
  /** For `nulInField`: the field that got the NUL. */
  field?: string
}

export class FaultController {
  private active: PendingFault[] = []
  private readonly duplicateLogins = new Set<string>()
  /** Every fault that fired, in order, with what it touched. */
  readonly applied: AppliedFault[] = []

  inject(spec: FaultSpec): void {
    if (!FAULT_KINDS.includes(spec.kind)) throw new TypeError(`Unknown fault kind "${String(spec.kind)}"; use one of ${FAULT_KINDS.join(', ')}`)
    const times = spec.times ?? 1
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) throw new RangeError(`times must be a whole number > 0 or Infinity, got ${times}`)
    this.active.push({ kind: spec.kind, match: { ...spec.match }, remaining: times, delayMs: spec.delayMs ?? DEFAULT_SLOW_DELAY_MS, field: spec.field })
  }

  /** Forgets every pending fault and duplicate-login flag (the log of applied faults stays). */
  clear(): void {
    this.active = []
    this.duplicateLogins.clear()
  }

  /** Faults not yet used up. */
  pending(): readonly PendingFault[] {
    return this.active.map((fault) => ({ ...fault, match: { ...fault.match } }))
  }

  /**
   * Makes the member look logged in elsewhere: the next logins answer CD011 until one is sent
   * with skipDup=Y, which takes the session over.
   */
  setDuplicateLoginFor(memberId: string): void {
    this.duplicateLogins.add(memberId)
  }

  isLoggedInElsewhere(memberId: string): boolean {
    return this.duplicateLogins.has(memberId)
  }

  takeOverDuplicateLogin(memberId: string): void {
    this.duplicateLogins.delete(memberId)
  }

  /** Uses up one application of every pending fault matching this request and returns them. */
  take(path: string, bld: string | undefined): PendingFault[] {
    const taken: PendingFault[] = []
    for (const fault of this.active) {
      if (!matches(fault.match, path, bld)) continue
      fault.remaining -= 1
      taken.push({ ...fault })
    }
    this.active = this.active.filter((fault) => fault.remaining > 0)
    return taken
  }
}

function matches(match: FaultMatch, path: string, bld: string | undefined): boolean {
  if (path !== (match.path ?? DATA_PATH)) return false
  if (match.bld === undefined) return true
  return bld !== undefined && (bld === match.bld || bld.endsWith(`/${match.bld}`))
}
