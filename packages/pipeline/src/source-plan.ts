import { z } from 'zod'
import { ConfigError, DATASET_DEFINITIONS, DATASETS, SOURCES, type Dataset, type SourceName } from '@kmd/core'
import type { CollectorRegistry } from './collectors.ts'

export interface SourceChoice {
  primary: SourceName
  fallbacks: SourceName[]
}

export type SourcePlan = Record<Dataset, SourceChoice>

/**
 * Which source delivers each dataset, and who stands in when it fails: each dataset
 * definition's sources in plan order (`@kmd/core` datasets/), the first the primary.
 */
export const DEFAULT_SOURCE_PLAN: SourcePlan = Object.fromEntries(
  DATASET_DEFINITIONS.map((definition): [Dataset, SourceChoice] => {
    const [primary, ...fallbacks] = definition.sources
    return [definition.name, { primary, fallbacks }]
  }),
) as SourcePlan

const choiceSchema = z
  .object({ primary: z.enum(SOURCES), fallbacks: z.array(z.enum(SOURCES)).default([]) })
  .strict()
  .refine((choice) => !choice.fallbacks.includes(choice.primary), { message: 'a fallback repeats the primary source' })
  .refine((choice) => new Set(choice.fallbacks).size === choice.fallbacks.length, { message: 'a fallback is listed twice' })
  // A file is given per import (`etl import floating-shares <file>`), never a standing source.
  .refine((choice) => choice.primary !== 'file' && !choice.fallbacks.includes('file'), { message: 'source "file" is given to `etl import`, not planned' })

const planOverridesSchema = z.record(z.enum(DATASETS), choiceSchema)

/**
 * The plan: defaults, overridden per dataset by SOURCE_PLAN, a JSON object such as
 * `{"ohlcv_daily": {"primary": "kis", "fallbacks": ["krx"]}}`. A malformed one stops with a
 * message naming the dataset and the problem.
 */
export function loadSourcePlan(json: string | undefined): SourcePlan {
  if (json === undefined || json.trim() === '') return DEFAULT_SOURCE_PLAN
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (error) {
    throw new ConfigError([`SOURCE_PLAN: not valid JSON (${(error as Error).message})`])
  }
  const result = planOverridesSchema.safeParse(parsed)
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `SOURCE_PLAN.${issue.path.join('.')}: ${issue.message}`))
  }
  return { ...DEFAULT_SOURCE_PLAN, ...result.data } as SourcePlan
}

/**
 * The plan a run follows: the plan itself, or, with a source pinned (`--source`, a schedule
 * file's `source`), that one source alone for the dataset: no fallback, no gap fill.
 */
export function planWith(plan: SourcePlan, dataset: Dataset, pinned: SourceName | undefined): SourcePlan {
  return pinned === undefined ? plan : { ...plan, [dataset]: { primary: pinned, fallbacks: [] } }
}

/** The plan's sources for a dataset, primary first. */
export function plannedSources(plan: SourcePlan, dataset: Dataset): SourceName[] {
  const { primary, fallbacks } = plan[dataset]
  return [primary, ...fallbacks]
}

/** The plan's order for a dataset as one line: `krx → kis → naver`. */
export function describeSources(plan: SourcePlan, dataset: Dataset): string {
  return plannedSources(plan, dataset).join(' → ')
}

/** The sources to try for a dataset, in order, among those this process has collectors for. */
export function sourcesToTry(plan: SourcePlan, dataset: Dataset, collectors: CollectorRegistry): SourceName[] {
  return plannedSources(plan, dataset).filter((source) => collectors[source]?.[dataset as keyof NonNullable<CollectorRegistry[SourceName]>] !== undefined)
}
