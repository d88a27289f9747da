import type { Octokit } from '@octokit/rest';
import type { FailedJob, WorkflowRunSummary } from './ci-status';

export type RepoPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** The GitHub operations shared by the webhook handler and the CI wait registration. */
export interface GitHubPort {
  permissionOf(repo: string, username: string): Promise<RepoPermission>;
  commentOnIssue(repo: string, issueNumber: number, body: string): Promise<void>;
  workflowRunsForCommit(repo: string, sha: string): Promise<WorkflowRunSummary[]>;
  failedJobs(repo: string, runIds: readonly number[]): Promise<FailedJob[]>;
}

export const canWrite = (permission: RepoPermission): boolean =>
  permission === 'admin' || permission === 'maintain' || permission === 'write';

const split = (repo: string): { owner: string; repo: string } => {
  const [owner, name] = repo.split('/');
  if (owner === undefined || name === undefined)
    throw new Error(`repository must be owner/name, got ${repo}`);
  return { owner, repo: name };
};

/** {@link GitHubPort} over Octokit (REST). */
export class OctokitGitHub implements GitHubPort {
  constructor(private readonly octokit: Octokit) {}

  async permissionOf(repo: string, username: string): Promise<RepoPermission> {
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({
        ...split(repo),
        username,
      });
      // `role_name` distinguishes maintain/triage; `permission` folds them into write/read.
      const role = (data as { role_name?: string }).role_name;
      if (role === 'maintain' || role === 'triage') return role;
      return (data.permission as RepoPermission) ?? 'none';
    } catch (error) {
      if ((error as { status?: number }).status === 404) return 'none';
      throw error;
    }
  }

  async commentOnIssue(repo: string, issueNumber: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...split(repo), issue_number: issueNumber, body });
  }

  async workflowRunsForCommit(repo: string, sha: string): Promise<WorkflowRunSummary[]> {
    const runs = await this.octokit.paginate(this.octokit.rest.actions.listWorkflowRunsForRepo, {
      ...split(repo),
      head_sha: sha,
      per_page: 100,
    });
    // The list already gives the latest attempt of each run. Every run counts: one workflow
    // can run several times on a commit (push and pull_request), and a red one must not hide.
    const byId = new Map(runs.map((run) => [run.id, run]));
    return [...byId.values()].map((run) => ({
      id: run.id,
      name: run.name ?? String(run.workflow_id),
      status: run.status ?? 'queued',
      conclusion: run.conclusion ?? null,
      htmlUrl: run.html_url,
    }));
  }

  async failedJobs(repo: string, runIds: readonly number[]): Promise<FailedJob[]> {
    const jobs = await Promise.all(
      runIds.map(async (runId) => {
        const all = await this.octokit.paginate(this.octokit.rest.actions.listJobsForWorkflowRun, {
          ...split(repo),
          run_id: runId,
          filter: 'latest',
          per_page: 100,
        });
        return all
          .filter(
            (job) =>
              job.conclusion === 'failure' ||
              job.conclusion === 'timed_out' ||
              job.conclusion === 'cancelled',
          )
          .map((job) => ({ runId, jobId: job.id, name: job.name, htmlUrl: job.html_url ?? undefined }));
      }),
    );
    return jobs.flat();
  }
}
