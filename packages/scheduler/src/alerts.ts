import { maskSecretsInText } from '@kmd/core'
import type { JobResult } from '@kmd/pipeline'
import { seoulTime } from './cron-slots.ts'
import type { WebhookPayload } from './webhook.ts'

export type AlertKind = 'FAILED' | 'PARTIAL' | 'STALE'

/** One condition worth a person's attention; sent once (see README "Alerts"). */
export interface Alert {
  kind: AlertKind
  dataset: string
  source: string | undefined
  job: string
  /** The trade date the condition is about. */
  tradeDate: string | undefined
  /** One line: what happened. */
  summary: string
  /** Name → value lines shown under the summary. */
  facts: Array<[string, string]>
}

const PRODUCT = 'korea-market-data'

/**
 * The alert a finished run deserves: FAILED always; PARTIAL when the share of rejected rows is
 * above `partialRejectRatio`; nothing otherwise.
 */
export function alertForRun(result: JobResult, context: { job: string; slot: Date; host: string }, partialRejectRatio: number): Alert | undefined {
  const base = { dataset: result.dataset, source: result.source, job: context.job, tradeDate: result.tradeDate }
  const facts: Array<[string, string]> = [
    ['slot', seoulTime(context.slot)],
    ['run', result.runId],
    ['host', context.host],
  ]
  if (result.status === 'FAILED') {
    return { ...base, kind: 'FAILED', summary: result.message ?? 'the run failed', facts: [...facts, ['fetched', String(result.fetched)], ['rejected', String(result.rejected)]] }
  }
  if (result.status === 'PARTIAL' && result.fetched > 0) {
    const ratio = result.rejected / result.fetched
    if (ratio <= partialRejectRatio) return undefined
    return {
      ...base,
      kind: 'PARTIAL',
      summary: `${result.rejected} of ${result.fetched} rows rejected (${formatPercent(ratio)}, threshold ${formatPercent(partialRejectRatio)}); ${result.promoted} promoted`,
      facts: [...facts, ['checks with issues', result.failedChecks.join(', ') || '-']],
    }
  }
  return undefined
}

/** The run could not even be logged (e.g. the database went away). */
export function alertForError(error: unknown, context: { job: string; dataset: string; source: string; tradeDate: string; slot: Date; host: string }): Alert {
  return {
    kind: 'FAILED',
    dataset: context.dataset,
    source: context.source,
    job: context.job,
    tradeDate: context.tradeDate,
    summary: `the scheduler could not run the job: ${error instanceof Error ? error.message : String(error)}`,
    facts: [['slot', seoulTime(context.slot)], ['host', context.host]],
  }
}

/** Slack-compatible JSON: `text` for plain clients and notifications, `blocks` for the rest. */
export function toWebhookPayload(alert: Alert): WebhookPayload {
  const subject = `${alert.dataset}${alert.tradeDate ? ` ${alert.tradeDate}` : ''}${alert.source ? ` from ${alert.source}` : ''}`
  const summary = maskSecretsInText(alert.summary)
  return {
    text: `[${PRODUCT}] ${alert.kind} ${subject}: ${summary}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${alert.kind}* ${subject}\n${summary}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: [`job ${alert.job}`, ...alert.facts.map(([name, value]) => `${name} ${maskSecretsInText(value)}`)].join(' · ') }] },
    ],
  }
}

function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.001 ? 3 : 1)}%`
}
