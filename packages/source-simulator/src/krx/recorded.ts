import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Real KRX answers recorded by public clients (shared/fixtures/krx/*.json). A request whose
 * form carries the same screen fields as a recording gets the recorded body, byte for byte.
 */

export interface RecordedAnswer {
  file: string
  status: number
  contentType: string
  body: string
  /** The recorded request's form, without presentation fields. */
  form: Record<string, string>
}

interface RecordingFile {
  request: { form: Record<string, string> }
  response: { status: number; contentType: string; body: string }
}

// Fields that pin a request to a day or a period.
const DATE_FIELDS = ['trdDd', 'strtDd', 'endDd']

// Fields that change units or language, not which data is asked for.
const PRESENTATION_FIELDS = new Set(['locale', 'share', 'money', 'csvxls_isNo'])

export class RecordedPayloads {
  private constructor(private readonly answers: readonly RecordedAnswer[]) {}

  /** Reads `<fixturesDir>/krx/*.json`; a missing directory is an error only when it was asked for explicitly. */
  static load(fixturesDir: string, required: boolean, options: { dateless?: boolean } = { dateless: true }): RecordedPayloads {
    const dir = join(fixturesDir, 'krx')
    if (!existsSync(dir)) {
      if (required) throw new Error(`KRX fixtures directory not found: ${dir}`)
      return new RecordedPayloads([])
    }
    const answers = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => {
        const recording = JSON.parse(readFileSync(join(dir, name), 'utf8')) as RecordingFile
        return {
          file: name,
          status: recording.response.status,
          contentType: recording.response.contentType,
          body: recording.response.body,
          form: screenFields(recording.request.form),
        }
      })
    // A recording without a date field would answer every day of the synthetic market.
    return new RecordedPayloads(options.dateless === false ? answers.filter((answer) => DATE_FIELDS.some((name) => name in answer.form)) : answers)
  }

  get size(): number {
    return this.answers.length
  }

  /** The recording whose screen fields all equal the request's, if any. */
  find(form: Record<string, string>): RecordedAnswer | undefined {
    return this.answers.find((answer) => {
      const fields = Object.entries(answer.form)
      return fields.length > 0 && fields.every(([name, value]) => form[name] === value)
    })
  }
}

function screenFields(form: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([name]) => !PRESENTATION_FIELDS.has(name)))
}
