/**
 * A second process for the token-cache tests: loads the configuration from its environment
 * (KIS_BASE_URL, KIS_APP_KEY, KIS_APP_SECRET, KIS_TOKEN_CACHE_DIR), makes one daily-chart call
 * and prints how many rows it got. Run: node --import tsx kis-token-child.ts <stock> <YYYY-MM-DD>
 */
import { loadConfig } from '@kmd/core'
import { createKisClient, fetchDailyChartRows } from '../src/index.ts'

const [stockCode, date] = process.argv.slice(2)
if (stockCode === undefined || date === undefined) throw new Error('usage: kis-token-child.ts <stock> <YYYY-MM-DD>')
const client = createKisClient(loadConfig(process.env), { retries: 0 })
const { rows, requestCount } = await fetchDailyChartRows(client, stockCode, date, date)
process.stdout.write(JSON.stringify({ rows: rows.length, requestCount }))
