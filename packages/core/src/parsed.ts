/**
 * One cell as a parser read it: its value (null where the source left the cell empty), or the
 * problem that kept it from parsing. Parsers return this instead of throwing, so one bad cell
 * becomes a quarantined row and never costs the rest of the batch.
 */
export type Parsed<T> = { ok: true; value: T | null } | { ok: false; problem: string }
