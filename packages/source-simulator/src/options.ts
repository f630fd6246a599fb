import { join } from 'node:path'
import { projectRoot } from '@kmd/core'

export interface SimulatorOptions {
  /** 0 (default) picks a free port. The server listens on 127.0.0.1 only. */
  port?: number
  /** Seed of the synthetic market; the same seed gives the same market byte for byte. */
  seed?: number
  /** Folder holding `krx/*.json` recordings; defaults to the repository's shared/fixtures. */
  fixturesDir?: string
  /** Member id -> password accepted by the login. */
  members?: Record<string, string>
  /** Size of the synthetic listing (default 2,720: ~950 KOSPI, ~1,650 KOSDAQ, ~120 KONEX). */
  stockCount?: number
  /**
   * Serve recordings of screens that take no date (the all-market master) instead of the
   * synthetic market's answer. Off by default: a real master lists stocks no synthetic day
   * trades, so the market would contradict itself (every synthetic price unknown to the master).
   */
  datelessRecordings?: boolean
  /** Server clock for CURRENT_DATETIME; tests pin it to compare bodies. */
  clock?: () => Date
}

export const DEFAULT_SEED = 20_210_104
export const DEFAULT_STOCK_COUNT = 2_720
export const DEFAULT_MEMBERS: Readonly<Record<string, string>> = { demo: 'demo-password' }

// The shared fixtures live next to the project's root folder.
export const DEFAULT_FIXTURES_DIR = join(projectRoot(import.meta.url), '..', 'shared', 'fixtures')
