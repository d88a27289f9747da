import {
  EnvReader,
  readJiraAllowedProjects,
  readJiraBaseUrl,
  readSharedConfig,
  readTableName,
  type SharedConfig,
} from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';
import type { JiraCredentials } from './adapters/jira-rest';

/** Everything jira-actions reads from its environment. */
export interface JiraActionsConfig extends SharedConfig {
  tableName: string;
  jiraBaseUrl: string;
  jiraSecretArn: string;
  allowedProjects: string[];
}

/** Reads and validates the configuration once per container. */
export const readConfig = (env: EnvReader = new EnvReader()): JiraActionsConfig => {
  const jiraBaseUrl = readJiraBaseUrl(env);
  return {
    ...readSharedConfig(env),
    tableName: readTableName(env),
    jiraBaseUrl,
    jiraSecretArn: env.string('JIRA_SECRET_ARN'),
    allowedProjects: readJiraAllowedProjects(env),
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
