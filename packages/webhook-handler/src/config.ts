import {
  type EnvReader,
  readGitHubApiUrl,
  readJiraAllowedProjects,
  readOptionalGitHubOrg,
  readOptionalJiraBaseUrl,
  readSharedConfig,
  readTableName,
  type SharedConfig,
} from '@enterprise-agents/core/config';
import type { GitHubWebhookConfig } from './domain/github';
import type { JiraTriggerConfig } from './domain/jira';
import { SENTRY_LEVELS, type SentryLevel } from './domain/sentry';

/** The behaviour settings the handler reads from the environment, once per container. */
export interface WebhookConfig {
  /** Bodies above this are refused with 413 before anything else is done. */
  maxBodyBytes: number;
  jira: JiraTriggerConfig;
  github: GitHubWebhookConfig;
  sentry: { minLevel: SentryLevel };
}

/** Everything the Lambda reads: the shared variables, its AWS wiring and {@link WebhookConfig}. */
export interface WebhookLambdaConfig extends SharedConfig {
  tableName: string;
  eventBusName: string;
  webhookSecretArn: string;
  sentrySecretArn: string;
  githubSecretArn: string;
  githubApiUrl: string;
  /** LOCAL_SECRETS: secrets from the environment (the secret id is the variable name). */
  localSecrets: boolean;
  webhook: WebhookConfig;
}

/** Defaults of the optional settings (docs/contracts.md). */
export const DEFAULTS = {
  maxBodyBytes: 1_048_576,
  jiraTriggerLabel: 'AI',
  sentryMinLevel: 'error',
} as const;

/** Reads the behaviour settings; fails fast with a ConfigError naming the variable. */
export const readWebhookConfig = (env: EnvReader): WebhookConfig => {
  const botAccountId = env.optionalString('JIRA_BOT_ACCOUNT_ID');
  const baseUrl = readOptionalJiraBaseUrl(env);
  const org = readOptionalGitHubOrg(env);
  const botLogin = env.optionalString('GITHUB_BOT_LOGIN');
  return {
    // API Gateway caps payloads at 10 MB and Lambda at 6 MB.
    maxBodyBytes: env.int('MAX_BODY_BYTES', DEFAULTS.maxBodyBytes, { min: 1024, max: 6 * 1024 * 1024 }),
    jira: {
      triggerLabel: env.string('JIRA_TRIGGER_LABEL', DEFAULTS.jiraTriggerLabel),
      allowedProjects: readJiraAllowedProjects(env),
      ...(botAccountId === undefined ? {} : { botAccountId }),
      ...(baseUrl === undefined ? {} : { baseUrl }),
    },
    github: {
      ...(org === undefined ? {} : { org }),
      ...(botLogin === undefined ? {} : { botLogin }),
    },
    sentry: { minLevel: env.oneOf('SENTRY_MIN_LEVEL', SENTRY_LEVELS, DEFAULTS.sentryMinLevel) },
  };
};

/** Reads the Lambda's whole configuration (docs/contracts.md); throws ConfigError naming the variable. */
export const readConfig = (env: EnvReader): WebhookLambdaConfig => ({
  ...readSharedConfig(env),
  tableName: readTableName(env),
  eventBusName: env.string('EVENT_BUS_NAME'),
  webhookSecretArn: env.string('WEBHOOK_SECRET_ARN'),
  sentrySecretArn: env.string('SENTRY_SECRET_ARN'),
  githubSecretArn: env.string('GITHUB_SECRET_ARN'),
  githubApiUrl: readGitHubApiUrl(env),
  localSecrets: env.bool('LOCAL_SECRETS'),
  webhook: readWebhookConfig(env),
});
