import type { Logger } from '@kmd/core'
import { describeValue } from './parsers.ts'
import type { FieldWatch } from './field-table.ts'

/**
 * Fields Infomax sent that no mapping table knows: the vendor added something, or renamed a
 * field we map (then the mapped field shows up missing as well). Each is logged once per
 * endpoint at warn, with a sample value, and ignored.
 */
export class UnknownFieldLog implements FieldWatch {
  private readonly seen = new Set<string>()
  /** Every endpoint and field reported so far, in order. */
  readonly reported: Array<{ endpoint: string; field: string }> = []

  constructor(private readonly logger?: Logger) {}

  unknownField(endpoint: string, field: string, value: unknown): void {
    const key = `${endpoint}\u0000${field}`
    if (this.seen.has(key)) return
    this.seen.add(key)
    this.reported.push({ endpoint, field })
    this.logger?.warn(
      { source: 'infomax', endpoint, field, sample: describeValue(value) },
      `Infomax ${endpoint} sent a field the mapping does not know ("${field}"); ignored`,
    )
  }
}
