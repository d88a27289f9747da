import type { EnvReader } from '@enterprise-agents/core';
import type { GitHubWebhookConfig } from './domain/github';
import type { JiraTriggerConfig } from './domain/jira';
import { SENTRY_LEVELS, type SentryLevel } from './domain/sentry';

/** Everything the handler reads from the environment, once per container. */
export interface WebhookConfig {
  /** Bodies above this are refused with 413 before anything else is done. */
  maxBodyBytes: number;
  jira: JiraTriggerConfig;
  github: GitHubWebhookConfig;
  sentry: { minLevel: SentryLevel };
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
  const baseUrl = env.optionalString('JIRA_BASE_URL');
  const org = env.optionalString('GITHUB_ORG');
  const botLogin = env.optionalString('GITHUB_BOT_LOGIN');
  return {
    // API Gateway caps payloads at 10 MB and Lambda at 6 MB.
    maxBodyBytes: env.int('MAX_BODY_BYTES', DEFAULTS.maxBodyBytes, { min: 1024, max: 6 * 1024 * 1024 }),
    jira: {
      triggerLabel: env.string('JIRA_TRIGGER_LABEL', DEFAULTS.jiraTriggerLabel),
      allowedProjects: env.list('JIRA_ALLOWED_PROJECTS'),
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
