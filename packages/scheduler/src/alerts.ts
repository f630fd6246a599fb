import { maskSecretsInText } from '@kmd/core'
import type { JobResult, PartitionResult } from '@kmd/pipeline'
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

/**
 * The alert a slot's partition deserves once every source of its plan had its turn: FAILED when
 * no source delivered (naming each one tried); PARTIAL when production still misses expected keys
 * beyond the completeness threshold (the gap fills could not close it); else the first run whose
 * rejected share is above `partialRejectRatio`; nothing otherwise.
 */
export function alertForPartition(partition: PartitionResult, context: { job: string; slot: Date; host: string }, partialRejectRatio: number): Alert | undefined {
  const { final, completeness } = partition
  const tried = partition.attempts.map((run) => `${run.source} ${run.status}`).join(', ')
  if (partition.status === 'FAILED') {
    const alert = alertForRun(final, context, partialRejectRatio)!
    return partition.attempts.length > 1 ? { ...alert, facts: [...alert.facts, ['sources tried', tried]] } : alert
  }
  if (completeness && !completeness.complete) {
    return {
      kind: 'PARTIAL', dataset: final.dataset, source: partition.deliveredBy, job: context.job, tradeDate: final.tradeDate,
      summary: `incomplete: ${completeness.missingCount} of ${completeness.expectedCount} expected keys missing after every source of the plan (${completeness.missingSample.slice(0, 5).join(', ')}${completeness.missingCount > 5 ? ', …' : ''})`,
      facts: [['slot', seoulTime(context.slot)], ['sources tried', tried], ['host', context.host]],
    }
  }
  for (const run of partition.attempts) {
    const alert = alertForRun(run, context, partialRejectRatio)
    if (alert?.kind === 'PARTIAL') return alert
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
