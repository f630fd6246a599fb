import { randomUUID } from 'node:crypto'
import type { CanonicalRecord, DatasetValues, ReferenceDataset } from '@kmd/core'
import pg from 'pg'
import { migrateToLatest, openDatabase } from '@kmd/db'
import { promoteBatch, startRun } from '@kmd/promoter'
import { loadBatch } from '@kmd/staging-loader'
import { validateBatch } from '@kmd/validators'

const backend = process.env.MEASURE_BACKEND ?? 'embedded'
const admin = 'postgres://postgres@127.0.0.1:5432/test'
const name = `kmd_measure_${Date.now()}`
if (backend === 'server') { const c = new pg.Client(admin); await c.connect(); await c.query(`create database ${name}`); await c.end() }
const database = await openDatabase(backend === 'server'
  ? { databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`, embeddedDataDir: '', databasePoolSize: 5 }
  : { databaseUrl: undefined, embeddedDataDir: 'memory://', databasePoolSize: 1 })
const migrated = await migrateToLatest(database.db)
if (migrated.error) throw migrated.error
const test = { backend, dispose: async () => { await database.close(); if (backend === 'server') { const c = new pg.Client(admin); await c.connect(); await c.query(`drop database ${name} with (force)`); await c.end() } } }
async function run<D extends ReferenceDataset>(label: string, dataset: D, day: string, values: Array<DatasetValues[D]>) {
  const runId = randomUUID(), batchId = randomUUID()
  await startRun(database.db, { runId, dataset, source: 'krx', partitionKey: day, tradeDate: day, trigger: 'manual' })
  const records = values.map((v): CanonicalRecord<DatasetValues[D]> => ({ values: v, raw: {}, parseErrors: [] }))
  const t0 = performance.now()
  await loadBatch(database, { dataset, source: 'krx', tradeDate: day, records, nonTradingDay: false, requestCount: 1 }, { runId, batchId, partitionKey: day })
  const t1 = performance.now()
  const v = await validateBatch(database.db, { runId, batchId, dataset, source: 'krx', partitionKey: day, tradeDate: day })
  const t2 = performance.now()
  const p = await promoteBatch(database, { runId, batchId, dataset, source: 'krx', tradeDate: day })
  const t3 = performance.now()
  console.log(`${test.backend} ${label}: ${values.length} rows, stage ${Math.round(t1 - t0)} ms, validate ${Math.round(t2 - t1)} ms, promote ${Math.round(t3 - t2)} ms; valid ${v.validCount} rejected ${v.rejectedCount} promoted ${p.promoted} ${JSON.stringify(p.details)}`)
}
const code = (i: number) => String(100000 + i).padStart(6, '0')
const stocks = (n: number, rename = 0) => Array.from({ length: n }, (_, i) => ({
  stock_code: code(i), isin: `KR7${code(i)}000`, name: i < rename ? `새${i}` : `종목${i}`, short_name: null, english_name: null,
  market: i % 2 ? 'KOSDAQ' : 'KOSPI', market_segment: null, security_group: '주권', share_class: '보통주', par_value: '100',
  listed_shares: 1000, listing_date: '2000-01-04', delisting_date: null, delisting_reason: null, sector_name: `업종${i % 30}`,
}))
await run('stocks first load', 'stocks', '2024-06-14', stocks(2720))
await run('stocks next day, 20 renamed', 'stocks', '2024-06-17', stocks(2720, 20))
await run('stocks next day, unchanged', 'stocks', '2024-06-18', stocks(2720, 20))
const members = (day: string, shift: number) => [
  ...Array.from({ length: 200 }, (_, i) => ({ index_code: '1/028', index_name: '코스피 200', stock_code: code(i * 2 + shift * 2), snapshot_date: day })),
  ...Array.from({ length: 150 }, (_, i) => ({ index_code: '2/203', index_name: '코스닥 150', stock_code: code(i * 2 + 1 + shift * 2), snapshot_date: day })),
]
await run('index first snapshot', 'index_components', '2024-06-14', members('2024-06-14', 0))
await run('index rebalance (5 out, 5 in each)', 'index_components', '2024-06-17', members('2024-06-17', 5))
const etfs = (day: string, lines: number) => Array.from({ length: 900 * lines }, (_, k) => {
  const etf = Math.floor(k / lines), i = k % lines
  return { etf_code: code(50000 + etf), trade_date: day, component_code: i === 0 ? 'KRD010010001' : code(i), component_isin: i === 0 ? 'KRD010010001' : `KR7${code(i)}000`,
    component_name: `c${i}`, component_market: i === 0 ? null : 'STK', security_group: i === 0 ? null : 'ST', shares_per_cu: i === 0 ? null : '10.00',
    valuation_amount: '1000', component_amount: '1000', weight_pct: i === 0 ? '1' : String((99 / (lines - 1)).toFixed(4)) }
})
await run('etf PDFs 900 ETFs x 120 lines', 'etf_portfolios', '2024-06-14', etfs('2024-06-14', 120))
await run('etf PDFs again, 1 line fewer each', 'etf_portfolios', '2024-06-14', etfs('2024-06-14', 119))
const cal = Array.from({ length: 366 }, (_, i) => { const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10); const w = new Date(d).getUTCDay(); return { trade_date: d, is_trading_day: w !== 0 && w !== 6, holiday_name: null } })
await run('calendar one year', 'market_calendar', '2024-01-01', cal)
await run('floating shares', 'floating_shares', '2024-06-14', stocks(2720).map((s) => ({ stock_code: s.stock_code, effective_date: '2024-03-29', total_shares: 1000, floating_shares: 400, floating_ratio: '40' })))
await test.dispose()
