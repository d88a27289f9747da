/** A GitHub Actions workflow run, reduced to what the CI decision needs. */
export interface WorkflowRunSummary {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  htmlUrl?: string;
}

export interface FailedJob {
  runId: number;
  jobId: number;
  name: string;
  htmlUrl?: string;
}

export const CiState = {
  Pending: 'pending',
  Success: 'success',
  Failure: 'failure',
} as const;
export type CiState = (typeof CiState)[keyof typeof CiState];

export interface CiDecision {
  state: CiState;
  runs: WorkflowRunSummary[];
  failedRuns: WorkflowRunSummary[];
}

// `skipped` and `neutral` do not block a merge on GitHub either.
const PASSING = new Set(['success', 'skipped', 'neutral']);

/**
 * Whether CI on a commit is decided. Red as soon as one run failed (whatever the
 * others do); green only when every run completed and passed; pending otherwise,
 * including when no run exists yet (workflows may not have been queued).
 */
export const decideCi = (runs: readonly WorkflowRunSummary[]): CiDecision => {
  const failedRuns = runs.filter((run) => run.status === 'completed' && !PASSING.has(run.conclusion ?? ''));
  if (failedRuns.length > 0) return { state: CiState.Failure, runs: [...runs], failedRuns };
  if (runs.length > 0 && runs.every((run) => run.status === 'completed')) {
    return { state: CiState.Success, runs: [...runs], failedRuns: [] };
  }
  return { state: CiState.Pending, runs: [...runs], failedRuns: [] };
};

/** The output handed to the waiting execution when CI is decided (CheckCI reads `success`). */
export interface CiResult {
  success: boolean;
  headSha: string;
  repo: string;
  runs: WorkflowRunSummary[];
  failedRuns: WorkflowRunSummary[];
  failedJobs: FailedJob[];
  summary: string;
}
