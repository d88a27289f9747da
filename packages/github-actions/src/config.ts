import {
  ConfigError,
  EnvReader,
  type GitHubAuth,
  readBranchPrefix,
  readGitHubApiUrl,
  readGitHubOrg,
  readSharedConfig,
  readTableName,
  type SharedConfig,
} from '@enterprise-agents/core';
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

/** The GitHub secret: `{"token"}` or `{"appId","privateKey","installationId"}` (App preferred). */
export const parseGitHubSecret = (secret: Record<string, unknown>): GitHubAuth => {
  const { token, appId, privateKey, installationId } = secret;
  if (appId !== undefined || privateKey !== undefined || installationId !== undefined) {
    if (
      (typeof appId !== 'string' && typeof appId !== 'number') ||
      typeof privateKey !== 'string' ||
      (typeof installationId !== 'string' && typeof installationId !== 'number')
    ) {
      throw new ConfigError('GitHub App secret needs appId, privateKey and installationId');
    }
    return {
      type: 'app',
      appId: String(appId),
      // Secrets pasted through a console often carry literal "\n".
      privateKey: privateKey.includes('\\n') ? privateKey.replace(/\\n/g, '\n') : privateKey,
      installationId: String(installationId),
    };
  }
  if (typeof token === 'string' && token !== '') return { type: 'token', token };
  throw new ConfigError('GitHub secret must hold {"token"} or {"appId","privateKey","installationId"}');
};
