import cliProgress from 'cli-progress'
import { Command, InvalidArgumentError, Option } from 'commander'
import { createLogger, DAILY_DATASETS, SOURCES, unfinishedDateReason, type DailyDataset, type Logger, type SourceName } from '@kmd/core'
import {
  createCollectors, formatDuration, loadSourcePlan, planWith, notLoaded, wasHeld, notRunLine, outcomeLine, progressLine, REPROCESS_MODES, runBackfill, runDurationMs,
  type BackfillSummary, type PartitionResult, type PlannedPartition, type ProgressSnapshot, type ReprocessMode,
} from '@kmd/pipeline'
import { checkPlanCredentials, RefusedError, retriesLine, withDatabase } from '../context.ts'
import { formatPairs, say } from '../table.ts'
import { parseTradeDate } from './run.ts'

interface BackfillCliOptions {
  dataset: DailyDataset
  from: string
  to: string
  source?: SourceName
  concurrency?: number
  reprocess: ReprocessMode
  dryRun?: boolean
  progress: ProgressStyle
}

// auto: a bar on a terminal, else lines; json: one JSON object per line on standard error, for programs.
const PROGRESS_STYLES = ['auto', 'lines', 'json'] as const
type ProgressStyle = (typeof PROGRESS_STYLES)[number]

// Partitions at once on a server when --concurrency is not given; the source's pacing, shared by all workers, bounds the rest.
const SERVER_DEFAULT_CONCURRENCY = 4
// Without a terminal: a progress line every this many partitions, or this often.
const LOG_EVERY_PARTITIONS = 25
const LOG_EVERY_MS = 10_000
const MB = 1024 * 1024

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('load a date range partition by partition; resumable: skips the days the completeness ledger says are complete')
    .addOption(new Option('--dataset <dataset>', 'dataset to load').choices(DAILY_DATASETS).makeOptionMandatory())
    .requiredOption('--from <YYYY-MM-DD>', 'first trade date (KST), included', parseTradeDate)
    .requiredOption('--to <YYYY-MM-DD>', 'last trade date (KST), included', parseTradeDate)
    .addOption(new Option('--source <source>', 'only this source (default: the source plan: primary, fallbacks, gap fills)').choices(SOURCES))
    .option('--concurrency <n>', `partitions at once (default: 1 on the embedded database, ${SERVER_DEFAULT_CONCURRENCY} on a server)`, parseConcurrency)
    .addOption(
      new Option('--reprocess <mode>', 'missing: not complete (never loaded, or loaded short); incomplete: only those loaded short; failed: latest run FAILED, ABORTED or ABANDONED; all: everything')
        .choices(REPROCESS_MODES)
        .default('missing'),
    )
    .option('--dry-run', 'print the plan (partitions to run or skip, and why) and change nothing')
    .addOption(
      new Option('--progress <style>', 'auto: a bar on a terminal, else a line every 25 partitions or 10 s; lines: those lines; json: on standard error, a JSON line per finished partition, then one with the summary')
        .choices(PROGRESS_STYLES)
        .default('auto'),
    )
    .action(async (options: BackfillCliOptions) => {
      if (options.from > options.to) throw new RefusedError(`--from ${options.from} is after --to ${options.to}`)
      const unfinished = unfinishedDateReason(options.dataset, options.to, new Date())
      if (unfinished) throw new RefusedError(`--to ${unfinished}`)
      const summary = await withDatabase(
        async ({ config, logger, database }) => {
          const concurrency = options.concurrency ?? (database.backend === 'embedded' ? 1 : Math.min(SERVER_DEFAULT_CONCURRENCY, config.databasePoolSize))
          if (database.backend === 'embedded' && concurrency > 1) console.error('note: the embedded database has one connection; partitions will take turns on it')
          if (database.backend === 'server' && concurrency > config.databasePoolSize) console.error(`note: --concurrency ${concurrency} exceeds DATABASE_POOL_SIZE ${config.databasePoolSize}; workers will wait for connections`)
          const reporter = options.dryRun ? undefined : createReporter(options.progress)
          const jobLogger = reporter?.logger(logger) ?? logger
          const stop = stopOnSignals(() => reporter?.log('stopping: no new partitions; running ones end ABORTED or finish promotion (again to quit at once)'))
          try {
            return await runBackfill(
              { database, logger: jobLogger, collectors: createCollectors(config, jobLogger), completenessThreshold: config.completenessThreshold, stagingRetentionDays: config.stagingRetentionDays, signal: stop.signal },
              {
                dataset: options.dataset, plan: loadSourcePlan(config.sourcePlanJson), source: options.source, from: options.from, to: options.to, reprocess: options.reprocess,
                concurrency, dryRun: options.dryRun,
                onPlanned: options.dryRun ? printPlanned : undefined,
                onRun: (run, progress) => reporter?.onRun(run, progress),
              },
            )
          } finally {
            reporter?.done()
            stop.dispose()
          }
        },
        // A dry run too: its plan is the one of the sources this configuration can ask.
        // A dry run asks no source: it reads the ledger only, so it needs no login.
        { check: options.dryRun ? undefined : (config) => checkPlanCredentials(config, planWith(loadSourcePlan(config.sourcePlanJson), options.dataset, options.source), options.dataset) },
      )
      if (options.progress === 'json' && !options.dryRun) console.error(JSON.stringify({ summary }))
      printSummary(summary)
      const retries = retriesLine()
      if (retries) say(retries)
      process.exitCode = backfillExitCode(summary)
    })
}

function parseConcurrency(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError(`expected a whole number from 1 to 64, got "${value}"`)
  return n
}

/**
 * 130 when stopped by a signal; 1 when any partition it meant to load was not loaded (FAILED,
 * ABORTED, ABANDONED, PARTIAL i.e. incomplete, or skipped because another live run held it) or
 * the aggregates were not refreshed; else 0. Partitions the plan left alone (already loaded) and
 * closed market days do not count.
 */
export function backfillExitCode(summary: BackfillSummary): number {
  if (summary.aborted) return 130
  if (notLoaded(summary) > 0 || summary.refreshError) return 1
  return 0
}

function printPlanned(partition: PlannedPartition): void {
  say(`${partition.action === 'run' ? 'run ' : 'skip'}  ${partition.key}  ${partition.reason}`)
}

/** A line for a partition its runs did not load (FAILED, ABORTED, PARTIAL, held by another run); undefined otherwise. */
function notLoadedLine(partition: PartitionResult): string | undefined {
  const { final } = partition
  if (wasHeld(final)) return `SKIPPED (held) ${final.tradeDate}: ${final.message ?? ''}`
  if (partition.status !== 'FAILED' && partition.status !== 'ABORTED' && partition.status !== 'PARTIAL') return undefined
  const tried = partition.attempts.map((run) => `${run.source} ${run.status}`).join(', ')
  const missing = partition.completeness && partition.completeness.missingCount > 0 ? `${partition.completeness.missingCount} of ${partition.completeness.expectedCount} expected keys missing; ` : ''
  return `${partition.status} ${final.tradeDate} (${tried}): ${missing}${final.message ?? ''}`
}

interface Reporter {
  onRun(partition: PartitionResult, progress: ProgressSnapshot): void
  log(line: string): void
  /** The logger the runs write to while this reporter shows progress. */
  logger(base: Logger): Logger
  done(): void
}

function createReporter(style: ProgressStyle): Reporter {
  if (style === 'json') return jsonReporter()
  return style === 'auto' && process.stderr.isTTY === true ? barReporter() : lineReporter()
}

/** A bar with ETA and rows/s on a terminal; failures are printed above it. */
function barReporter(): Reporter {
  const bars = new cliProgress.MultiBar(
    {
      format: 'backfill [{bar}] {percentage}% | {value}/{total} partitions | {rowsPerSecond} rows/s | {failed} failed | elapsed {elapsed} | ETA {eta}',
      hideCursor: true,
      stream: process.stderr,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  )
  let bar: cliProgress.SingleBar | undefined
  let stopped = false
  return {
    onRun(result, p) {
      bar ??= bars.create(p.toRun, 0)
      const line = notLoadedLine(result)
      if (line) bars.log(`${line}\n`)
      bar.setTotal(p.toRun)
      bar.update(p.finished, {
        rowsPerSecond: Math.round(p.rowsPerSecond), failed: p.statuses.FAILED + p.statuses.ABORTED + p.abandoned,
        elapsed: formatDuration(p.elapsedMs), eta: p.etaMs === undefined ? '?' : formatDuration(p.etaMs),
      })
    },
    log: (line) => (bar ? bars.log(`${line}\n`) : console.error(line)),
    // Log lines written straight to the terminal would tear the bar: they go above it, warnings and worse only.
    logger: (base) => createLogger({ level: base.levelVal < 40 ? 'warn' : base.level, format: 'human', destination: { write: (line: string) => bars.log(line) } }),
    done() {
      if (stopped) return
      bars.update() // flushes lines logged since the last redraw
      bars.stop()
      stopped = true
    },
  }
}

/** Without a terminal: a line every LOG_EVERY_PARTITIONS partitions or LOG_EVERY_MS, and each failure. */
function lineReporter(): Reporter {
  let lastAt = performance.now()
  let lastCount = 0
  return {
    onRun(result, p) {
      const line = notLoadedLine(result)
      if (line) console.error(line)
      // The first run too, so a long backfill shows it is moving before ten seconds pass.
      if (p.finished === 1 || p.finished - lastCount >= LOG_EVERY_PARTITIONS || performance.now() - lastAt >= LOG_EVERY_MS || p.finished === p.toRun) {
        console.error(`backfill: ${progressLine(p)}`)
        lastAt = performance.now()
        lastCount = p.finished
      }
    },
    log: (line) => console.error(line),
    logger: (base) => base,
    done: () => undefined,
  }
}

/**
 * `--progress json`: per finished partition, its outcome and own time (its runs' timed stages,
 * so waits for a worker are not in it), the counters so far and this process's memory, for a
 * program that follows a long backfill. Log lines keep their own format and destination.
 */
function jsonReporter(): Reporter {
  return {
    onRun(result, p) {
      const { rss, heapUsed } = process.memoryUsage()
      const partition = {
        key: result.final.tradeDate, status: result.status, sources: result.attempts.map((run) => run.source),
        rowsPromoted: result.attempts.reduce((rows, run) => rows + run.promoted, 0),
        ms: Math.round(result.attempts.reduce((ms, run) => ms + runDurationMs(run), 0)),
        // Why a partition did not end SUCCESS, in the run log's words.
        ...(result.status === 'SUCCESS' ? {} : { failedChecks: result.final.failedChecks, message: result.final.message ?? null }),
      }
      const progress = {
        finished: p.finished, toRun: p.toRun, rowsProcessed: p.rowsProcessed, rowsPerSecond: Math.round(p.rowsPerSecond),
        elapsedMs: Math.round(p.elapsedMs), etaMs: p.etaMs === undefined ? null : Math.round(p.etaMs),
      }
      console.error(JSON.stringify({ partition, progress, memory: { rssMb: Math.round(rss / MB), heapUsedMb: Math.round(heapUsed / MB) } }))
    },
    log: (line) => console.error(JSON.stringify({ message: line })),
    logger: (base) => base,
    done: () => undefined,
  }
}

/** First SIGINT/SIGTERM: abort (the backfill winds down and prints its summary). Second: quit at once. */
function stopOnSignals(onFirst: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGTERM' ? 143 : 130)
    controller.abort(signal)
    onFirst()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    },
  }
}

export function printSummary(s: BackfillSummary): void {
  const missing = notLoaded(s)
  const outcome = s.dryRun
    ? 'dry run, nothing changed'
    : s.aborted
      ? 'stopped before the end'
      : missing > 0
        ? `NOT COMPLETE: ${missing} of ${s.toRun} partitions not loaded`
        : s.refreshError
          ? 'loaded, but the aggregate refresh failed'
          : 'finished, every planned partition loaded'
  say(`\nbackfill ${s.dataset} from ${s.source}, ${s.from} .. ${s.to}, reprocess ${s.reprocess}: ${outcome}`)
  say(`partitions: ${s.partitioning}`)
  if (!s.dryRun) {
    say(`runs: ${outcomeLine(s)}`)
    say(`not run: ${notRunLine(s)}`)
    if (s.reapedAtStart > 0) say(`dead runs found RUNNING and marked ABANDONED before planning: ${s.reapedAtStart}`)
  }
  const rows: Record<string, string | number> = {
    'partitions in range': s.partitions,
    [s.dryRun ? 'would run' : 'planned to run']: s.toRun,
    'not run (the log says done)': s.notRun,
  }
  if (!s.dryRun) {
    Object.assign(rows, {
      SUCCESS: s.statuses.SUCCESS,
      PARTIAL: s.statuses.PARTIAL,
      FAILED: s.statuses.FAILED,
      ABORTED: s.statuses.ABORTED,
      ABANDONED: s.abandoned,
      'SKIPPED (held by another run)': s.skippedHeld,
      'SKIPPED (market closed)': s.skippedClosed,
      'rows processed': s.rowsProcessed,
      'rows promoted': s.rowsPromoted,
      'rows rejected': s.rowsRejected,
      'rows/s': Math.round(s.rowsPerSecond),
      elapsed: formatDuration(s.elapsedMs),
      'aggregates refreshed': s.refreshError ? `failed: ${s.refreshError}` : s.aggregatesRefreshed.join(', ') || '-',
    })
  }
  say(formatPairs(rows))
  const again = `pnpm etl backfill --dataset ${s.dataset}${s.pinned ? ` --source ${s.pinned}` : ''} --from ${s.from} --to ${s.to}`
  if (s.aborted) say(`resume with: ${again}`)
  if (s.dryRun || s.aborted) return
  if (s.statuses.FAILED + s.statuses.ABORTED > 0) say(`re-run the failed partitions with: ${again} --reprocess failed`)
  if (s.skippedHeld + s.abandoned > 0) say(`load the partitions held by another run (or abandoned) once it ends with: ${again}`)
  if (s.statuses.PARTIAL > 0 && (REPROCESS_MODES as readonly string[]).includes('incomplete')) say(`complete the PARTIAL partitions with: ${again} --reprocess incomplete`)
}
