import pRetry, { AbortError } from 'p-retry'
import type { Logger } from '@kmd/core'

/** What a Slack-compatible incoming webhook accepts: `text` always, `blocks` for rich clients. */
export interface WebhookPayload {
  text: string
  blocks?: unknown[]
}

export interface WebhookOptions {
  /** The webhook's URL: a secret (it carries its token in the path), never logged. */
  url: string
  logger: Logger
  retries?: number
  minRetryDelayMs?: number
  timeoutMs?: number
}

/** Posts to the webhook; a result, never an exception, so alerting cannot stop the scheduler. */
export type WebhookSender = (payload: WebhookPayload) => Promise<boolean>

/**
 * POSTs JSON with retries (p-retry, exponential backoff) on network errors, timeouts, 429 and
 * 5xx; gives up at once on other 4xx, which retrying cannot fix. Logs name the outcome and the
 * status, never the URL.
 */
export function createWebhookSender(options: WebhookOptions): WebhookSender {
  const { url, logger } = options
  const timeoutMs = options.timeoutMs ?? 10_000
  return async (payload) => {
    try {
      await pRetry(
        async () => {
          let response: Response
          try {
            response = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payload),
              signal: AbortSignal.timeout(timeoutMs),
            })
          } catch (error) {
            // fetch's own messages can carry the address; keep only the kind of failure.
            throw new Error(`webhook unreachable (${(error as Error).name}${causeCode(error)})`)
          }
          await response.arrayBuffer().catch(() => undefined)
          if (response.ok) return
          const failure = new Error(`webhook answered HTTP ${response.status}`)
          if (response.status === 429 || response.status >= 500) throw failure
          throw new AbortError(failure)
        },
        {
          retries: options.retries ?? 4,
          minTimeout: options.minRetryDelayMs ?? 1_000,
          randomize: true,
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            logger.warn({ attempt: attemptNumber, retriesLeft, reason: error.message }, 'alert webhook attempt failed')
          },
        },
      )
      return true
    } catch (error) {
      logger.error({ reason: (error as Error).message }, 'alert webhook gave up; the alert was not delivered')
      return false
    }
  }
}

function causeCode(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } }).cause?.code
  return typeof code === 'string' ? `: ${code}` : ''
}
