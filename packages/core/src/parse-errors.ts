import { describeTextProblem, textProblemsOf } from './http/text-hygiene.ts'
import type { Parsed } from './parsed.ts'

/**
 * Collects one row's parse problems: a value that does not parse becomes null and a message
 * like `close_price: not a number ("12a,3")`, so the row reaches staging and is quarantined with it.
 */
export class ParseErrors {
  readonly messages: string[] = []

  keep<T>(name: string, parsed: Parsed<T>): T | null {
    if (parsed.ok) return parsed.value
    this.messages.push(`${name}: ${parsed.problem}`)
    return null
  }

  /**
   * Reports every field of the row as the source sent it, used or not, whose text holds NUL,
   * U+FFFD (a wrong charset) or a lone surrogate, e.g. `ISU_ABBRV: contains NUL`, and returns
   * their names so readers leave those fields null instead of reading them.
   */
  screenText(row: unknown): ReadonlySet<string> {
    const problems = textProblemsOf(row)
    this.messages.push(...problems.map(describeTextProblem))
    return new Set(problems.map((problem) => problem.field))
  }
}
