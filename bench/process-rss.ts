// Another process's memory, read from /proc (Linux): what `ps` shows as RSS, without a dependency.
import { readFileSync } from 'node:fs'

export interface ProcessRss {
  /** Resident set now, in bytes. */
  rss: number
  /** The highest resident set since the process started (VmHWM), in bytes. */
  peak: number
}

/** undefined once the process has exited (or where there is no /proc). */
export function readProcessRss(pid: number): ProcessRss | undefined {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return undefined
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024
  const rss = kib('VmRSS')
  const peak = kib('VmHWM')
  // A zombie has no memory fields left.
  return Number.isNaN(rss) || Number.isNaN(peak) ? undefined : { rss, peak }
}
