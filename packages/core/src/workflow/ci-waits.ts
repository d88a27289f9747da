import type { CiWaitStore } from '../db/ci-wait-store';
import type { TimelineRepository } from '../db/timeline-repository';
import { type CiResult, CiState, decideCi } from '../github/ci-status';
import type { CiGitHubPort } from '../github/github-port';
import type { TaskCallbackPort } from '../ports/workflow';

export interface CiWaitDeps {
  ciWaits: CiWaitStore;
  github: CiGitHubPort;
  callback: TaskCallbackPort;
  timeline: TimelineRepository;
}

export type CiResolution =
  | { status: 'no-wait' }
  | { status: 'pending'; runs: number }
  | { status: 'resolved'; result: CiResult; resumed: string[] };

/**
 * Resumes the executions waiting for CI on a commit once CI is decided. Called by
 * the webhook on every completed run / suite and by `registerCiWait` right after
 * it stores a token, so CI finishing before the wait is registered is not lost.
 */
export const resolveCiWaits = async (deps: CiWaitDeps, repo: string, sha: string): Promise<CiResolution> => {
  const waits = await deps.ciWaits.listForCommit(repo, sha);
  if (waits.length === 0) return { status: 'no-wait' };
  const decision = decideCi(await deps.github.workflowRunsForCommit(repo, sha));
  if (decision.state === CiState.Pending) return { status: 'pending', runs: decision.runs.length };
  const failedJobs =
    decision.state === CiState.Failure
      ? await deps.github.failedJobs(
          repo,
          decision.failedRuns.map((run) => run.id),
        )
      : [];
  const result: CiResult = {
    success: decision.state === CiState.Success,
    headSha: sha,
    repo,
    runs: decision.runs,
    failedRuns: decision.failedRuns,
    failedJobs,
    summary:
      decision.state === CiState.Success
        ? `CI passed: ${decision.runs.length} workflow run(s) succeeded on ${sha.slice(0, 7)}`
        : `CI failed on ${sha.slice(0, 7)}: ${decision.failedRuns.map((run) => `${run.name} (${run.conclusion})`).join(', ')}` +
          (failedJobs.length > 0 ? `; failed jobs: ${failedJobs.map((job) => job.name).join(', ')}` : ''),
  };
  const resumed: string[] = [];
  const failures: unknown[] = [];
  for (const wait of waits) {
    try {
      // Send before removing the wait: if the send fails the wait stays, and the next
      // delivery (or the sender's retry) sends again. A second send to a completed token
      // is ignored by Step Functions, and only the caller that removes the wait logs it.
      await deps.callback.succeed(wait.taskToken, result);
      if (!(await deps.ciWaits.take(wait))) continue;
      await deps.timeline.append(wait.taskId, {
        type: result.success ? 'ci.passed' : 'ci.failed',
        message: result.summary,
        data: {
          headSha: sha,
          failedRuns: result.failedRuns.map((r) => r.id),
          failedJobs: failedJobs.map((j) => j.jobId),
        },
      });
      resumed.push(wait.taskId);
    } catch (error) {
      // One broken wait must not keep the others on the same commit asleep.
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `could not resume ${failures.length} of ${waits.length} CI wait(s) on ${sha.slice(0, 7)}`,
    );
  }
  return { status: 'resolved', result, resumed };
};
