/**
 * CSV for `COPY … WITH (FORMAT csv)`: NULL is an unquoted empty field, an empty string is
 * `""`, and any field with a quote, comma or line break is quoted with quotes doubled.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'string' ? value : Array.isArray(value) ? pgArrayLiteral(value) : typeof value === 'object' ? JSON.stringify(value) : String(value)
  if (text === '' || /[",\n\r]/.test(text)) return `"${text.replace(/"/g, '""')}"`
  return text
}

/** A text[] literal: `{"a","b \"c\""}`. */
export function pgArrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\n`
}
