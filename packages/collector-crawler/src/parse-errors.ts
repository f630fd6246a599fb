import type { Parsed } from './krx/parse.ts'

/**
 * Collects one row's parse problems: a value that does not parse becomes null and a message
 * like `close: not a number ("12a,3")`, so the row reaches staging and is quarantined with it.
 */
export class ParseErrors {
  readonly messages: string[] = []

  keep<T>(name: string, parsed: Parsed<T>): T | null {
    if (parsed.ok) return parsed.value
    this.messages.push(`${name}: ${parsed.problem}`)
    return null
  }
}
