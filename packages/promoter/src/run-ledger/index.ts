// The run log's one writer (RunLedger) and what it needs: the run lease, partition claims, the reaper.
export { LedgerRun, OpenRun, RunAbandonedError, RunLedger, type RunCounts, type RunIdentity, type RunProgress, type RunPromotion, type RunTrigger } from './run-ledger.ts'
export { CLAIM_HOLDER, type ClaimOutcome } from './claims.ts'
export type { RunLease } from './lease.ts'
export type { ReapedRun, ReapReport } from './reaper.ts'
