import { ConfigError, DEFAULT_BRANCH_PREFIX, EnvReader, type GitHubAuth } from '@enterprise-agents/core';
import type { Guardrails } from './domain/guardrails';

/** Everything github-actions reads from its environment. */
export interface GitHubActionsConfig {
  tableName: string;
  githubSecretArn: string;
  githubApiUrl: string;
  secretsCacheSeconds: number;
  guardrails: Guardrails;
}

/** Reads and validates the configuration once per container. */
export const readConfig = (env: EnvReader = new EnvReader()): GitHubActionsConfig => {
  const branchPrefix = env.string('BRANCH_PREFIX', DEFAULT_BRANCH_PREFIX);
  if (branchPrefix.trim() !== branchPrefix || branchPrefix.length < 2) {
    // An empty or blank prefix would make every branch writable.
    throw new ConfigError('BRANCH_PREFIX must be a non-blank prefix such as agent/');
  }
  const repoAllowlist = env.list('REPO_ALLOWLIST');
  const org = env.string('GITHUB_ORG');
  for (const repo of repoAllowlist) {
    if (repo.split('/')[0]?.toLowerCase() !== org.toLowerCase()) {
      throw new ConfigError(`REPO_ALLOWLIST entry ${repo} is not in GITHUB_ORG ${org}`);
    }
  }
  return {
    tableName: env.string('TABLE_NAME'),
    githubSecretArn: env.string('GITHUB_SECRET_ARN'),
    githubApiUrl: env.string('GITHUB_API_URL', 'https://api.github.com'),
    secretsCacheSeconds: env.int('SECRETS_CACHE_SECONDS', 300, { min: 0 }),
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
