export { type Env, EnvReader } from './env';
export {
  LOG_LEVELS,
  readBranchPrefix,
  readGitHubApiUrl,
  readGitHubOrg,
  readJiraAllowedProjects,
  readJiraBaseUrl,
  readMaxFixAttempts,
  readOptionalGitHubOrg,
  readOptionalJiraBaseUrl,
  readSecretsCacheSeconds,
  readSharedConfig,
  readTableName,
  SHARED_VARIABLES,
  type SharedConfig,
  type SharedVariable,
} from './shared';
