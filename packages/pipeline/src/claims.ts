// The run log's writer lives in @kmd/promoter (the promotion records a run's outcome in its own
// transaction); the pipeline and the processes above it reach it through here.
export { CLAIM_HOLDER, LedgerRun, OpenRun, RunAbandonedError, RunLedger, type ClaimOutcome, type ReapReport, type ReapedRun, type RunIdentity, type RunLease, type RunTrigger } from '@kmd/promoter'

const HELD = 'partition already being loaded by '

/** The SKIPPED message of a run that found its partition claimed by a live run. */
export function heldMessage(claim: { heldBy: string; runId: string }): string {
  return `${HELD}${claim.heldBy} (run ${claim.runId})`
}

/** Whether a SKIPPED result means another live run held the partition (not a closed market). */
export function wasHeld(result: { status: string; message: string | undefined }): boolean {
  return result.status === 'SKIPPED' && (result.message?.startsWith(HELD) ?? false)
}
