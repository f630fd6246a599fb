import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { ConfigError, DATASET_DEFINITIONS, DATASETS, SOURCES, type Dataset, type DatasetDefinition, type SourceName } from '@kmd/core'
import { parseCron, type CronSpec } from './cron-slots.ts'

/**
 * One scheduled job: a dataset, fired by a cron expression in Korea time, loaded through the
 * source plan (primary, fallbacks, gap fills), or from one pinned source alone.
 */
export interface JobDefinition {
  name: string
  dataset: Dataset
  /** Set: only this source (a schedule file's `source`). Unset: the source plan (SOURCE_PLAN). */
  source: SourceName | undefined
  cron: CronSpec
  /**
   * Hours after a slot by which its trade date must be in the database; later than that the
   * data is stale and one alert goes out. Undefined: no freshness check.
   */
  staleAfterHours: number | undefined
}

interface JobDefaults {
  dataset: Dataset
  cron: string
  staleAfterHours: number | undefined
}

/**
 * The job table: one job per dataset whose definition has a default schedule (`@kmd/core`
 * datasets/), named after the dataset. Which source loads a dataset is the source plan's
 * business, not the table's. A job whose dataset no planned source can collect yet is reported
 * at start-up and not scheduled, so reference datasets start running the day their collector
 * is registered. Daily jobs fire Monday to Friday; a holiday's slot is logged SKIPPED without
 * asking the source.
 */
export const DEFAULT_JOBS: Readonly<Record<string, JobDefaults>> = Object.fromEntries(
  (DATASET_DEFINITIONS as readonly DatasetDefinition[]).flatMap(({ name, schedule }): Array<[string, JobDefaults]> =>
    schedule ? [[name, { dataset: name as Dataset, cron: schedule.cron, staleAfterHours: schedule.staleAfterHours }]] : [],
  ),
)

// parseCron is the one check; the path of the issue (jobs.<name>.cron) names the job.
const cronExpression = z.string().superRefine((text, context) => {
  try {
    parseCron(text)
  } catch (error) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message })
  }
})

const jobSettings = z
  .object({
    dataset: z.enum(DATASETS).optional(),
    source: z.enum(SOURCES).optional(),
    cron: cronExpression.optional(),
    enabled: z.boolean().optional(),
    staleAfterHours: z.number().positive().max(24 * 60).nullable().optional(),
  })
  .strict()

/** The SCHEDULE_FILE format: overrides of the default jobs, and new jobs. */
export const scheduleFileSchema = z
  .object({
    jobs: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'job names are lower_snake_case'), jobSettings).default({}),
  })
  .strict()
  .superRefine((file, context) => {
    for (const [name, settings] of Object.entries(file.jobs)) {
      if (DEFAULT_JOBS[name] || settings.enabled === false) continue
      for (const field of ['dataset', 'cron'] as const) {
        if (settings[field] === undefined) context.addIssue({ code: z.ZodIssueCode.custom, path: ['jobs', name, field], message: `a new job needs "${field}"` })
      }
    }
  })

export type ScheduleFile = z.infer<typeof scheduleFileSchema>

/** The default job table with a schedule file's overrides applied; disabled jobs left out. */
export function resolveJobs(file: ScheduleFile = { jobs: {} }): JobDefinition[] {
  const names = [...new Set([...Object.keys(DEFAULT_JOBS), ...Object.keys(file.jobs)])]
  return names.flatMap((name) => {
    const settings = file.jobs[name] ?? {}
    if (settings.enabled === false) return []
    const defaults = DEFAULT_JOBS[name]
    const staleAfterHours = settings.staleAfterHours === undefined ? (defaults?.staleAfterHours ?? 6) : (settings.staleAfterHours ?? undefined)
    return [{
      name,
      dataset: (settings.dataset ?? defaults?.dataset)!,
      source: settings.source,
      cron: parseCron((settings.cron ?? defaults?.cron)!, name),
      staleAfterHours,
    }]
  })
}

/** Parses a schedule file's JSON text; throws one ConfigError naming every bad field. */
export function parseScheduleFile(text: string, origin = 'SCHEDULE_FILE'): ScheduleFile {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ConfigError([`${origin}: not valid JSON (${(error as Error).message})`])
  }
  const parsed = scheduleFileSchema.safeParse(json)
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${origin} ${issue.path.join('.') || '(top level)'}: ${issue.message}`))
  return parsed.data
}

/** The jobs to schedule: the defaults, or the defaults with the file at `path` applied. */
export async function loadJobs(path: string | undefined): Promise<JobDefinition[]> {
  if (path === undefined) return resolveJobs()
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ConfigError([`SCHEDULE_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`])
  }
  return resolveJobs(parseScheduleFile(text, `SCHEDULE_FILE ${path}`))
}
