export { type GitHubClient, OctokitRepoHost } from './adapters/octokit-repo-host';
export { type GitHubActionsConfig, readConfig } from './config';
export {
  createHandler,
  type GitHubActionsDeps,
  type GitHubActionsEvent,
  githubOperations,
} from './create-handler';
export { latestRuns } from './domain/ci';
export { AGENT_INSTRUCTION_FILES } from './domain/discovery';
export {
  checkAgentBranch,
  checkRepo,
  checkWritablePath,
  type Guardrails,
  globToRegExp,
  type RepoRef,
} from './domain/guardrails';
export { extractFailure, type LogExcerpt } from './domain/log-excerpt';
export type { AuditLog, RepoHost } from './domain/ports';
export {
  parseRegisterCiWait,
  type RegisterCiWaitEvent,
  type RegisterCiWaitResult,
  registerCiWait,
} from './domain/register-ci-wait';
export { GITHUB_ACTION_GROUPS } from './schemas';
