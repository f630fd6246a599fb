import { SourceUnavailableError } from '../errors.ts'

/**
 * JSON answers, read strictly. `JSON.parse` keeps the last of two equal keys, so
 * `{"OutBlock_1":[…rows…],"OutBlock_1":[]}` would read as an empty day: an answer with a
 * duplicated key is malformed, like one cut off mid-way, and both are retryable (the next
 * answer is likely whole). No small, maintained library does this check (the npm ones are
 * unmaintained full parsers), so after `JSON.parse` has accepted the text one linear scan
 * tracks the keys of each object.
 */

export type JsonAnswer = { ok: true; value: unknown } | { ok: false; problem: string }

export function parseJsonAnswer(text: string): JsonAnswer {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, problem: `invalid or truncated JSON (${text.length} characters)` }
  }
  const duplicate = firstDuplicateKey(text)
  if (duplicate !== undefined) return { ok: false, problem: `duplicated key ${JSON.stringify(duplicate.key)} ${duplicate.where}` }
  return { ok: true, value }
}

/** The retryable error for an answer `parseJsonAnswer` refused; `what` names the request. */
export function malformedAnswerError(what: string, problem: string): SourceUnavailableError {
  return new SourceUnavailableError(`${what}: malformed answer, ${problem}`)
}

type Frame = { kind: 'object'; keys: Set<string>; key: string | undefined; path: string } | { kind: 'array'; index: number; path: string }

/**
 * The first key that appears twice in one object, with where (`at top level`, `in
 * OutBlock_1[12]`). Only for text `JSON.parse` accepted: the scan trusts the syntax.
 */
export function firstDuplicateKey(text: string): { key: string; where: string } | undefined {
  const stack: Frame[] = []
  const pathOfChild = (): string => {
    const parent = stack.at(-1)
    if (parent === undefined) return ''
    if (parent.kind === 'array') return `${parent.path}[${parent.index}]`
    return parent.path === '' ? (parent.key ?? '') : `${parent.path}.${parent.key ?? ''}`
  }
  let expectingKey = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0x22 /* " */) {
      const end = endOfString(text, i)
      const frame = stack.at(-1)
      if (expectingKey && frame?.kind === 'object') {
        const raw = text.slice(i + 1, end)
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw
        if (frame.keys.has(key)) return { key, where: frame.path === '' ? 'at top level' : `in ${frame.path}` }
        frame.keys.add(key)
        frame.key = key
        expectingKey = false
      }
      i = end
    } else if (code === 0x7b /* { */) {
      stack.push({ kind: 'object', keys: new Set(), key: undefined, path: pathOfChild() })
      expectingKey = true
    } else if (code === 0x5b /* [ */) {
      stack.push({ kind: 'array', index: 0, path: pathOfChild() })
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      stack.pop()
    } else if (code === 0x2c /* , */) {
      const frame = stack.at(-1)
      if (frame?.kind === 'object') expectingKey = true
      else if (frame?.kind === 'array') frame.index++
    }
  }
  return undefined
}

// Index of the quote closing the string that opens at `start`.
function endOfString(text: string, start: number): number {
  let i = start + 1
  for (;;) {
    const next = text.indexOf('"', i)
    if (next < 0) return text.length
    let backslashes = 0
    for (let j = next - 1; text.charCodeAt(j) === 0x5c; j--) backslashes++
    if (backslashes % 2 === 0) return next
    i = next + 1
  }
}
