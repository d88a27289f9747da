import {
  ConfigError,
  createGitHubClient,
  type FailedJob,
  type GitHubAuth,
  type Logger,
  OctokitGitHub,
  type RepoPermission,
  type SecretStore,
  type WorkflowRunSummary,
} from '@enterprise-agents/core';
import { formatReviewComments } from '../domain/github';
import type { WebhookGitHubPort } from '../domain/ports';

/** The Octokit core builds (no direct dependency on @octokit/rest here). */
type Octokit = ReturnType<typeof createGitHubClient>;

const splitRepo = (repo: string): { owner: string; repo: string } => {
  const [owner, name] = repo.split('/');
  if (owner === undefined || name === undefined)
    throw new Error(`repository must be owner/name, got ${repo}`);
  return { owner, repo: name };
};

/** {@link WebhookGitHubPort} over Octokit: core's adapter plus review comments. */
export class OctokitWebhookGitHub implements WebhookGitHubPort {
  private readonly base: OctokitGitHub;

  constructor(private readonly octokit: Octokit) {
    this.base = new OctokitGitHub(octokit);
  }

  permissionOf(repo: string, username: string): Promise<RepoPermission> {
    return this.base.permissionOf(repo, username);
  }

  commentOnIssue(repo: string, issueNumber: number, body: string): Promise<void> {
    return this.base.commentOnIssue(repo, issueNumber, body);
  }

  workflowRunsForCommit(repo: string, sha: string): Promise<WorkflowRunSummary[]> {
    return this.base.workflowRunsForCommit(repo, sha);
  }

  failedJobs(repo: string, runIds: readonly number[]): Promise<FailedJob[]> {
    return this.base.failedJobs(repo, runIds);
  }

  async reviewComments(repo: string, prNumber: number, reviewId: number): Promise<string[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.pulls.listCommentsForReview, {
      ...splitRepo(repo),
      pull_number: prNumber,
      review_id: reviewId,
      per_page: 100,
    });
    return formatReviewComments(comments);
  }
}

/** Reads `GITHUB_SECRET_ARN`: `{"token"}` or `{"appId","privateKey","installationId"}`. */
export const parseGitHubAuth = (secretId: string, secret: Record<string, unknown>): GitHubAuth => {
  const text = (key: string): string | undefined => {
    const value = secret[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
    return undefined;
  };
  const appId = text('appId');
  const privateKey = text('privateKey');
  const installationId = text('installationId');
  if (appId !== undefined && privateKey !== undefined && installationId !== undefined) {
    return { type: 'app', appId, privateKey, installationId };
  }
  const token = text('token');
  if (token !== undefined) return { type: 'token', token };
  throw new ConfigError(`secret ${secretId} must hold {"token"} or {"appId","privateKey","installationId"}`);
};

/**
 * Builds the GitHub client on first use: Jira and Sentry deliveries never pay for
 * the secret fetch or the Octokit construction. A failed build is not cached.
 */
export class LazyGitHub implements WebhookGitHubPort {
  private client: Promise<WebhookGitHubPort> | undefined;

  constructor(
    private readonly options: { store: SecretStore; secretId: string; baseUrl?: string; logger?: Logger },
  ) {}

  private get(): Promise<WebhookGitHubPort> {
    if (this.client === undefined) {
      const { store, secretId, baseUrl, logger } = this.options;
      const client = store.getJson<Record<string, unknown>>(secretId).then(
        (secret) =>
          new OctokitWebhookGitHub(
            createGitHubClient({
              auth: parseGitHubAuth(secretId, secret),
              ...(baseUrl === undefined ? {} : { baseUrl }),
              ...(logger === undefined ? {} : { logger }),
              // Stay well inside GitHub's 10 s delivery budget.
              maxRetryDelayMs: 2_000,
              maxRetries: 2,
            }),
          ),
      );
      client.catch(() => {
        this.client = undefined;
      });
      this.client = client;
    }
    return this.client;
  }

  async permissionOf(repo: string, username: string): Promise<RepoPermission> {
    return (await this.get()).permissionOf(repo, username);
  }

  async commentOnIssue(repo: string, issueNumber: number, body: string): Promise<void> {
    return (await this.get()).commentOnIssue(repo, issueNumber, body);
  }

  async workflowRunsForCommit(repo: string, sha: string): Promise<WorkflowRunSummary[]> {
    return (await this.get()).workflowRunsForCommit(repo, sha);
  }

  async failedJobs(repo: string, runIds: readonly number[]): Promise<FailedJob[]> {
    return (await this.get()).failedJobs(repo, runIds);
  }

  async reviewComments(repo: string, prNumber: number, reviewId: number): Promise<string[]> {
    return (await this.get()).reviewComments(repo, prNumber, reviewId);
  }
}
