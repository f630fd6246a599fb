import { Writable } from 'node:stream'
import { createLogger, type Logger } from '@kmd/core'

/** A logger whose JSON lines the test can read back. */
export function logCapture(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  const logger = createLogger({ level: 'debug', destination })
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}
