/**
 * `pnpm fault-campaign`: the fault campaign of packages/pipeline/test/fault-campaign at a larger
 * scale than the test suite runs it, on each backend. Prints, per backend, the payloads tried and
 * what broke a promise, and exits 1 if any invariant failed.
 *
 *   pnpm fault-campaign [--backends embedded,server] [--payloads 60] [--seed N] [--kill-trials 5]
 *
 * The server is TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { migrateToLatest, openDatabase } from '@kmd/db'
import { openCampaign, summarizeViolations, type CampaignReport } from '../packages/pipeline/test/fault-campaign/campaign.ts'
import { openCampaignDatabase, type CampaignBackend } from '../packages/pipeline/test/fault-campaign/databases.ts'
import { runKillNineTrials, type KillNineReport, type KillNineTarget } from '../packages/pipeline/test/fault-campaign/kill-nine.ts'

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'embedded,server' },
    payloads: { type: 'string', default: '60' },
    seed: { type: 'string' },
    'kill-trials': { type: 'string', default: '5' },
  },
})
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31
const payloads = Number(values.payloads)
const killTrials = Number(values['kill-trials'])
const backends = values.backends!.split(',').map((name) => name.trim()) as CampaignBackend[]

interface BackendFigures {
  backend: CampaignBackend
  campaign: CampaignReport | undefined
  killNine: KillNineReport | undefined
  errors: string[]
}

async function killNineTarget(backend: CampaignBackend): Promise<{ target: KillNineTarget; dispose(): Promise<void> }> {
  if (backend === 'server') {
    const opened = await openCampaignDatabase('server')
    await opened.database.close()
    const url = opened.url!
    return {
      target: { backend, childEnv: { DATABASE_URL: url }, open: () => openDatabase({ databaseUrl: url, embeddedDataDir: '', databasePoolSize: 2 }) },
      dispose: async () => {
        // dispose closes the (already closed) pool again and drops the database.
        await opened.dispose().catch(() => undefined)
      },
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'kmd-kill-nine-'))
  const open = () => openDatabase({ databaseUrl: undefined, embeddedDataDir: dir, databasePoolSize: 1 })
  const database = await open()
  const outcome = await migrateToLatest(database.db)
  await database.close()
  if (outcome.error) throw outcome.error
  return { target: { backend, childEnv: { DATABASE_URL: undefined, EMBEDDED_DATA_DIR: dir }, open }, dispose: () => rm(dir, { recursive: true, force: true }) }
}

async function runCampaign(backend: CampaignBackend, figures: BackendFigures, started: number): Promise<void> {
  const opened = await openCampaignDatabase(backend)
  try {
    const campaign = await openCampaign(opened.database)
    try {
      figures.campaign = await campaign.run({
        seed, payloads,
        onPayload: (payload, index, outcomes) =>
          console.error(`[${backend}] #${index} ${payload.kind}: ${outcomes.map((o) => `${o.dataset} ${o.status}`).join(', ')}  (${Math.round((Date.now() - started) / 1000)} s)`),
      })
    } finally {
      await campaign.stop()
    }
  } catch (error) {
    figures.errors.push(`campaign: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    await opened.dispose()
  }
}

async function runBackend(backend: CampaignBackend): Promise<BackendFigures> {
  const figures: BackendFigures = { backend, campaign: undefined, killNine: undefined, errors: [] }
  const started = Date.now()
  if (payloads > 0) await runCampaign(backend, figures, started)
  if (killTrials > 0) {
    const reference = await openCampaignDatabase('embedded')
    const { target, dispose } = await killNineTarget(backend)
    try {
      figures.killNine = await runKillNineTrials(target, reference.database, { seed, trials: killTrials })
    } catch (error) {
      figures.errors.push(`kill -9: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      await reference.dispose()
      await dispose()
    }
  }
  return figures
}

const all: BackendFigures[] = []
for (const backend of backends) all.push(await runBackend(backend))

let failed = false
console.log(`fault campaign, seed ${seed} (replay: pnpm fault-campaign --seed ${seed} --payloads ${payloads} --backends ${backends.join(',')})`)
for (const { backend, campaign, killNine, errors } of all) {
  console.log(`\n== ${backend}`)
  if (campaign) {
    const violations = campaign.violations.filter((v) => v.invariant === 'log:status-mismatch' || v.invariant === 'run:threw').length
    console.log(`  payloads tried               ${campaign.payloadsTried} (${campaign.runs} runs)`)
    console.log(`  corrupt rows in production   ${campaign.corruptRows}`)
    console.log(`  good rows lost               ${campaign.goodRowsLost}`)
    console.log(`  false SUCCESS                ${campaign.falseSuccess}`)
    console.log(`  rows held back (key conflict) ${campaign.heldBack}`)
    console.log(`  log mismatches / throws      ${violations}`)
    // Held back is allowed (another row claimed the key), but each one is explained.
    for (const outcome of campaign.outcomes.filter((o) => o.heldBack > 0).slice(0, 4)) {
      console.log(`    held back by #${outcome.index} ${outcome.kind} (${outcome.dataset} ${outcome.status}): ${outcome.heldBackReasons.slice(0, 2).join('; ')}`)
    }
    if (campaign.violations.length > 0) {
      failed = true
      console.log('  violations:')
      for (const line of summarizeViolations(campaign.violations)) console.log(`    ${line}`)
    }
  }
  if (killNine) {
    console.log(`  kill -9 trials               ${killNine.trials.length} (${killNine.kills} killed mid-run, after ${killNine.trials.map((t) => t.runsFinished).join(', ')} runs; RUNNING rows / claims right after each kill: ${killNine.trials.map((t) => `${t.runningAfterKill ?? '?'}/${t.claimsAfterKill ?? '?'}`).join(', ')})`)
    console.log(`  kill -9 leftovers            ${killNine.leftovers.length}`)
    for (const leftover of killNine.leftovers) console.log(`    ${leftover}`)
    if (killNine.leftovers.length > 0) {
      failed = true
      if (killNine.resume.code !== 0) console.log(`    resumed backfill stderr: ${killNine.resume.stderrTail.split('\n').slice(-6).join('\n      ')}`)
    }
  }
  for (const error of errors) {
    failed = true
    console.log(`  could not run: ${error}`)
  }
}
process.exit(failed ? 1 : 0)
