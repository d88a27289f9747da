import { isPlainObject } from '../util/is-plain-object';
import type { FailedJob, WorkflowRunSummary } from './ci-status';
import { type GitHubClient, type GitHubClientSource, resolveGitHubClient, splitRepo } from './client';

export type RepoPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/**
 * The GitHub operations of the workflow: who may command the agents, replies on pull requests,
 * CI status of a commit and review feedback. One port, one adapter ({@link OctokitGitHub});
 * each consumer depends on the part it uses (`Pick<GitHubPort, …>`): the CI wait resolution on
 * {@link CiGitHubPort}, the webhook handler on its commands' and reviews' methods. The agents'
 * repository tools (read, branch, commit, pull requests) are github-actions' `RepoHost`, over
 * the same client.
 */
export interface GitHubPort {
  /** The user's permission on the repository; `none` when GitHub does not know them there. */
  permissionOf(repo: string, username: string): Promise<RepoPermission>;
  commentOnIssue(repo: string, issueNumber: number, body: string): Promise<void>;
  /** Every workflow run of a commit (latest attempt of each). */
  workflowRunsForCommit(repo: string, sha: string): Promise<WorkflowRunSummary[]>;
  /** Failed, timed-out or cancelled jobs of the runs. */
  failedJobs(repo: string, runIds: readonly number[]): Promise<FailedJob[]>;
  /** Inline comments of one review, as `path:line: body` lines. */
  reviewComments(repo: string, prNumber: number, reviewId: number): Promise<string[]>;
}

/** The part of {@link GitHubPort} that decides CI on a commit (`resolveCiWaits`). */
export type CiGitHubPort = Pick<GitHubPort, 'workflowRunsForCommit' | 'failedJobs'>;

/**
 * Whether a permission allows writing (and so commanding the agents).
 *
 * @param permission - a repository permission
 * @example
 * canWrite('maintain'); // true
 */
export const canWrite = (permission: RepoPermission): boolean =>
  permission === 'admin' || permission === 'maintain' || permission === 'write';

const nonEmpty = (value: unknown): string | undefined => {
  const text = typeof value === 'string' ? value.trim() : undefined;
  return text === undefined || text === '' ? undefined : text;
};

const positiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;

/**
 * One review comment of GitHub's API as `path:line: body` (the line, or the original line of an
 * outdated comment); undefined without a body.
 *
 * @param comment - an item of `GET /repos/{owner}/{repo}/pulls/{n}/reviews/{id}/comments`
 * @example
 * formatReviewComment({ path: 'src/a.ts', line: 3, body: 'rename' }); // 'src/a.ts:3: rename'
 */
export const formatReviewComment = (comment: unknown): string | undefined => {
  if (!isPlainObject(comment)) return undefined;
  const body = nonEmpty(comment.body);
  if (body === undefined) return undefined;
  const path = nonEmpty(comment.path);
  const line = positiveInt(comment.line) ?? positiveInt(comment.original_line);
  return path === undefined ? body : `${path}${line === undefined ? '' : `:${line}`}: ${body}`;
};

/**
 * Review comments as `path:line: body` lines, those without a body left out.
 *
 * @param comments - GitHub's list (anything else gives no lines)
 * @example
 * formatReviewComments([{ path: 'a.ts', line: 1, body: 'x' }, { body: '' }]); // ['a.ts:1: x']
 */
export const formatReviewComments = (comments: unknown): string[] =>
  (Array.isArray(comments) ? comments : [])
    .map(formatReviewComment)
    .filter((comment): comment is string => comment !== undefined);

/**
 * {@link GitHubPort} over Octokit (REST). Takes a client or a loader of the current one
 * (`githubClientLoader`: built on first use, rebuilt when the secret rotates).
 */
export class OctokitGitHub implements GitHubPort {
  constructor(private readonly client: GitHubClientSource) {}

  private octokit(): Promise<GitHubClient> {
    return resolveGitHubClient(this.client);
  }

  async permissionOf(repo: string, username: string): Promise<RepoPermission> {
    const octokit = await this.octokit();
    try {
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
        ...splitRepo(repo),
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
    const octokit = await this.octokit();
    await octokit.rest.issues.createComment({ ...splitRepo(repo), issue_number: issueNumber, body });
  }

  async workflowRunsForCommit(repo: string, sha: string): Promise<WorkflowRunSummary[]> {
    const octokit = await this.octokit();
    const runs = await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, {
      ...splitRepo(repo),
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
    const octokit = await this.octokit();
    const jobs = await Promise.all(
      runIds.map(async (runId) => {
        const all = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
          ...splitRepo(repo),
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

  async reviewComments(repo: string, prNumber: number, reviewId: number): Promise<string[]> {
    const octokit = await this.octokit();
    const comments = await octokit.paginate(octokit.rest.pulls.listCommentsForReview, {
      ...splitRepo(repo),
      pull_number: prNumber,
      review_id: reviewId,
      per_page: 100,
    });
    return formatReviewComments(comments);
  }
}
