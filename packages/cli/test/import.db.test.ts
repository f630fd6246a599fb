import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEFAULT_INFOMAX_TOKEN, INFOMAX_PATHS, startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { migratedCliTarget, runBundledCli } from './run-cli.ts'

const HEADER = 'stock_code,base_date,total_shares,floating_shares,floating_ratio'
let simulator: RunningSimulator
let cli: Awaited<ReturnType<typeof migratedCliTarget>>
let folder: string
let listed: string[]

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'kmd-cli-import-'))
  simulator = await startSimulator({ port: 0, stockCount: 5 })
  cli = await migratedCliTarget(simulator.url, { LOG_LEVEL: 'silent' }, runBundledCli)
  // The stock master the rule known_stock checks against, from the simulated KRX portal.
  const master = await runBundledCli(['run', '--dataset', 'stocks', '--date', '2025-11-11', '--source', 'krx'], cli.env)
  if (master.code !== 0) throw new Error(master.stdout + master.stderr)
  // The same simulated market lists the same stocks to every source; its vendor API names them plainly.
  const answer = await fetch(`${simulator.url}${INFOMAX_PATHS.stockCode}`, { headers: { authorization: `bearer ${DEFAULT_INFOMAX_TOKEN}` } })
  listed = ((await answer.json()) as { results: Array<{ code: string }> }).results.map((stock) => stock.code)
}, 240_000)
afterAll(async () => {
  await cli?.dispose()
  await simulator?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
})

describe('etl import floating-shares (the bundle, through the pipeline\'s one stage order)', () => {
  test('a file with one bad line: the good rows land, the bad one is printed with its reason and line, the run is PARTIAL', async () => {
    const [first, second, third] = listed
    const file = join(folder, 'floating.csv')
    await writeFile(file, `${HEADER}\n${first},2025-11-07,1000000,600000,60\n${second},2025-11-07,2000000,3000000,150\n${third},2025-11-07,500000,250000,50\n`)

    const result = await runBundledCli(['import', 'floating-shares', file], cli.env)

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^floating_shares from .*floating\.csv \(floating\.csv@\d{4}-\d{2}-\d{2}\): PARTIAL$/m)
    expect(result.stdout).toMatch(/^ {2}rows 3, valid 2, rejected 1, warned \d, changed in production 2$/m)
    expect(result.stdout).toContain(`    line 3 ${second} 2025-11-07: floating_ratio_range: floating_ratio 150 is not in (0, 100]; floating_le_total: floating_shares 3000000 > total_shares 2000000`)
  })

  test('a file that cannot be read: FAILED with the file named, exit 1', async () => {
    const missing = join(folder, 'nowhere.csv')

    const result = await runBundledCli(['import', 'floating-shares', missing], cli.env)

    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`error: ${missing}: cannot read the floating shares file (no such file)`)
  })
})
