import type { Kysely } from 'kysely'
import type { Logger } from '@kmd/core'
import { isoWeekOf, previousIsoWeek, type IsoWeek } from '@kmd/dashboard'
import type { Database } from '@kmd/db'
import { parseCron, seoulDate, seoulTime, slotsBetween } from './cron-slots.ts'
import { claimSlot, finishSlot } from './slot-claims.ts'
import type { WebhookSender } from './webhook.ts'

/** The weekly data-quality report: Monday 08:00 in Korea, for the ISO week that just ended. */
export const WEEKLY_REPORT_JOB = 'report:weekly'
export const WEEKLY_REPORT_CRON = parseCron('0 8 * * 1')

export interface WeeklyReportTask {
  /** Writes the week's report; returns where it went and its Markdown summary. */
  write(week: IsoWeek): Promise<{ htmlPath: string; markdown: string }>
}

// Slack shows up to about 40k characters of `text`, but a summary longer than this is no summary.
const WEBHOOK_TEXT_LIMIT = 3_500

export interface WeeklyReportRun {
  db: Kysely<Database>
  task: WeeklyReportTask
  logger: Logger
  webhook: WebhookSender | undefined
  holder: string
  after: Date
  now: Date
}

/**
 * Runs the report slots in (after, now] that nobody has claimed (schedule_slots, first insert
 * wins across replicas): writes the report of the week before the slot and posts its summary to
 * the webhook. Returns the weeks written.
 */
export async function runDueWeeklyReports(run: WeeklyReportRun): Promise<string[]> {
  const written: string[] = []
  for (const slot of slotsBetween(WEEKLY_REPORT_CRON, run.after, run.now)) {
    if (!(await claimSlot(run.db, WEEKLY_REPORT_JOB, slot, run.holder))) continue
    const week = previousIsoWeek(isoWeekOf(seoulDate(slot)))
    try {
      const { htmlPath, markdown } = await run.task.write(week)
      await finishSlot(run.db, WEEKLY_REPORT_JOB, slot, run.holder, 'SUCCESS')
      run.logger.info({ week: week.id, path: htmlPath, slot: seoulTime(slot) }, 'weekly data-quality report written')
      written.push(week.id)
      if (run.webhook) await run.webhook({ text: webhookText(markdown, htmlPath) })
    } catch (error) {
      await finishSlot(run.db, WEEKLY_REPORT_JOB, slot, run.holder, 'ERROR').catch(() => undefined)
      run.logger.error({ err: error, week: week.id, slot: seoulTime(slot) }, 'weekly data-quality report failed')
    }
  }
  return written
}

function webhookText(markdown: string, htmlPath: string): string {
  const footer = `\nFull report: ${htmlPath}`
  const room = WEBHOOK_TEXT_LIMIT - footer.length
  return (markdown.length > room ? `${markdown.slice(0, room - 1)}…` : markdown.trimEnd()) + footer
}
