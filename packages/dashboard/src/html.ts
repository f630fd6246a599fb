/**
 * HTML built from tagged templates that escape every interpolated value, so no text from the
 * database (error messages, sample keys, raw source values) can become markup. Markup that is
 * already safe (another `html` result) is passed through as it is.
 */

export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[]

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]!)
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof SafeHtml) return value.text
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let text = strings[0]!
  values.forEach((value, index) => {
    text += render(value) + strings[index + 1]!
  })
  return new SafeHtml(text)
}

/** Text the project itself wrote (a stylesheet, a bundled library), trusted as markup. */
export function trusted(text: string): SafeHtml {
  return new SafeHtml(text)
}

/**
 * JSON for a `<script type="application/json">` block: `<` is written as `\u003c`, so no value
 * can close the script element.
 */
export function scriptJson(value: unknown): SafeHtml {
  return new SafeHtml(JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'))
}

/** A query string from parameters, each value encoded. */
export function link(path: string, parameters: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) query.set(name, String(value))
  const text = query.toString()
  return text ? `${path}?${text}` : path
}
