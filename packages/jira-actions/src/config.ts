import { ConfigError, EnvReader } from '@enterprise-agents/core';
import type { JiraCredentials } from './adapters/jira-rest';

/** Everything jira-actions reads from its environment. */
export interface JiraActionsConfig {
  tableName: string;
  jiraBaseUrl: string;
  jiraSecretArn: string;
  allowedProjects: string[];
  secretsCacheSeconds: number;
}

/** Reads and validates the configuration once per container. */
export const readConfig = (env: EnvReader = new EnvReader()): JiraActionsConfig => {
  const jiraBaseUrl = env.string('JIRA_BASE_URL');
  if (!/^https?:\/\/[^/\s]+/.test(jiraBaseUrl)) {
    throw new ConfigError('JIRA_BASE_URL must be a URL like https://your-site.atlassian.net');
  }
  return {
    tableName: env.string('TABLE_NAME'),
    jiraBaseUrl: jiraBaseUrl.replace(/\/+$/, ''),
    jiraSecretArn: env.string('JIRA_SECRET_ARN'),
    allowedProjects: env.list('JIRA_ALLOWED_PROJECTS'),
    secretsCacheSeconds: env.int('SECRETS_CACHE_SECONDS', 300, { min: 0 }),
  };
};

/** The Jira secret `{"email","apiToken"}`. */
export const parseJiraSecret = (secret: Record<string, unknown>): JiraCredentials => {
  const { email, apiToken } = secret;
  if (typeof email !== 'string' || !email.includes('@') || typeof apiToken !== 'string' || apiToken === '') {
    throw new ConfigError('Jira secret must hold {"email","apiToken"}');
  }
  return { email, apiToken };
};
