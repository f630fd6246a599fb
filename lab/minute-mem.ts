import { minuteBarRecordsOf } from '../packages/collector-kis/src/index.ts'
const gc = (globalThis as any).gc
gc?.()
const base = process.memoryUsage()
const all: unknown[] = []
for (let s = 0; s < 2720; s++) {
  const code = String(100000 + s)
  const rows = JSON.parse(JSON.stringify(Array.from({ length: 370 }, (_, i) => ({ stck_bsop_date: '20261120', stck_cntg_hour: `${String(9 + Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}00`, stck_prpr: String(71000 + i), stck_oprc: String(71000 + i), stck_hgpr: String(71100 + i), stck_lwpr: String(70900 + i), cntg_vol: String(1000 + i), acml_tr_pbmn: String(71000000 * (i + 1)) }))))
  all.push(...minuteBarRecordsOf(rows, code))
}
gc?.()
const now = process.memoryUsage()
console.log({ records: all.length, heapMB: Math.round((now.heapUsed - base.heapUsed) / 2 ** 20), rssMB: Math.round(now.rss / 2 ** 20) })
