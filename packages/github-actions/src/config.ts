import {
  EnvReader,
  readBranchPrefix,
  readGitHubApiUrl,
  readGitHubOrg,
  readSharedConfig,
  readTableName,
  type SharedConfig,
} from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';
import type { Guardrails } from './domain/guardrails';

/** Everything github-actions reads from its environment. */
export interface GitHubActionsConfig extends SharedConfig {
  tableName: string;
  githubSecretArn: string;
  githubApiUrl: string;
  guardrails: Guardrails;
}

/** Reads and validates the configuration once per container. */
export const readConfig = (env: EnvReader = new EnvReader()): GitHubActionsConfig => {
  const branchPrefix = readBranchPrefix(env);
  const repoAllowlist = env.list('REPO_ALLOWLIST');
  const org = readGitHubOrg(env);
  for (const repo of repoAllowlist) {
    if (repo.split('/')[0]?.toLowerCase() !== org.toLowerCase()) {
      throw new ConfigError(`REPO_ALLOWLIST entry ${repo} is not in GITHUB_ORG ${org}`);
    }
  }
  return {
    ...readSharedConfig(env),
    tableName: readTableName(env),
    githubSecretArn: env.string('GITHUB_SECRET_ARN'),
    githubApiUrl: readGitHubApiUrl(env),
    guardrails: {
      org,
      repoAllowlist,
      branchPrefix,
      protectedPaths: env.list('PROTECTED_PATHS', ['.github/workflows/**']),
      maxFileBytes: env.int('MAX_FILE_BYTES', 200_000, { min: 1 }),
      maxFilesPerCommit: env.int('MAX_FILES_PER_COMMIT', 50, { min: 1 }),
    },
  };
};
