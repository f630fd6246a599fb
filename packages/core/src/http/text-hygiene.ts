/**
 * What a text value of a source's answer may not hold, whatever field it is in, used or not:
 * NUL (PostgreSQL text and jsonb refuse it, so one NUL would fail a whole COPY), a lone
 * surrogate (not Unicode at all; jsonb refuses its escape) and U+FFFD, the mark a decoder
 * leaves where bytes were not valid in the charset it was told (an EUC-KR answer read as
 * UTF-8). Each is a problem of the row that holds it, reported as `<field>: <problem>`, e.g.
 * `ISU_ABBRV: contains NUL`, so the row reaches staging quarantined and its neighbours load.
 */

export interface TextProblem {
  /** The source's own field name; a nested value as `field.sub` or `field[0]`; a key as the key itself. */
  field: string
  problem: string
}

const NUL = '\u0000'
const REPLACEMENT = '\uFFFD'
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// One cheap test first: nearly every value has none of the three.
const SUSPECT = /[\u0000\uFFFD\uD800-\uDFFF]/

export const TEXT_PROBLEMS = {
  nul: 'contains NUL',
  replacement: 'contains U+FFFD (undecodable bytes: a wrong charset or a damaged answer)',
  loneSurrogate: 'contains a lone surrogate (invalid Unicode)',
} as const

/** The problem of one text, or undefined when it has none. */
export function textProblemOf(text: string): string | undefined {
  if (!SUSPECT.test(text)) return undefined
  if (text.includes(NUL)) return TEXT_PROBLEMS.nul
  if (LONE_SURROGATE.test(text)) return TEXT_PROBLEMS.loneSurrogate
  if (text.includes(REPLACEMENT)) return TEXT_PROBLEMS.replacement
  return undefined
}

/** Every field of a row (keys included, nested values walked) whose text has a problem. */
export function textProblemsOf(row: unknown): TextProblem[] {
  const problems: TextProblem[] = []
  walk(row, [], problems)
  return problems
}

/** `ISU_ABBRV: contains NUL`, the form a row's parse errors take. */
export function describeTextProblem({ field, problem }: TextProblem): string {
  return `${field}: ${problem}`
}

// The path is kept as its steps (a key, or an array index) and spelled out only for a problem:
// nearly every field has none, and building each one's name cost more than testing its text.
type Step = string | number

function walk(value: unknown, steps: Step[], problems: TextProblem[]): void {
  if (typeof value === 'string') {
    const problem = textProblemOf(value)
    if (problem !== undefined) problems.push({ field: pathOf(steps) ?? 'value', problem })
    return
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      steps.push(index)
      walk(value[index], steps, problems)
      steps.pop()
    }
    return
  }
  if (typeof value !== 'object' || value === null) return
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const keyProblem = textProblemOf(key)
    // A broken key is named by its JSON form, so the message itself holds no NUL.
    steps.push(keyProblem === undefined ? key : JSON.stringify(key))
    if (keyProblem !== undefined) problems.push({ field: `key ${pathOf(steps)}`, problem: keyProblem })
    walk((value as Record<string, unknown>)[key], steps, problems)
    steps.pop()
  }
}

/** `ISU_ABBRV`, `OutBlock.rows[0]`, `[2]`; undefined for no step. */
function pathOf(steps: readonly Step[]): string | undefined {
  if (steps.length === 0) return undefined
  return steps.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('')
}
