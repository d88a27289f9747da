export { type CiResult, CiState, decideCi, type FailedJob, type WorkflowRunSummary } from './ci-status';
export {
  callGitHub,
  createGitHubClient,
  type GitHubAuth,
  type GitHubClient,
  type GitHubClientSource,
  githubClientLoader,
  resolveGitHubClient,
  retryDelayMs,
  splitRepo,
} from './client';
export {
  type CiGitHubPort,
  canWrite,
  formatReviewComment,
  formatReviewComments,
  type GitHubPort,
  OctokitGitHub,
  type RepoPermission,
} from './github-port';
export { parseGitHubSecret } from './secret';
