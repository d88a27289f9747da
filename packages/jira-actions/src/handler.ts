import {
  createDocumentClient,
  createLogger,
  SecretsManagerStore,
  TimelineRepository,
} from '@enterprise-agents/core';
import { DynamoTaskReader } from './adapters/dynamo-task-reader';
import { JiraRestClient } from './adapters/jira-rest';
import { parseJiraSecret, readConfig } from './config';
import { createHandler } from './create-handler';

const logger = createLogger({ service: 'jira-actions' });

type Handler = ReturnType<typeof createHandler>;
let ready: Handler | undefined;

// Built on the first invocation and kept for the container, so importing never throws.
const build = (): Handler => {
  const config = readConfig();
  const secrets = new SecretsManagerStore({}, config.secretsCacheSeconds * 1000);
  const table = { client: createDocumentClient(), tableName: config.tableName };
  return createHandler({
    // Credentials are read per request from the cached store, so a rotated token is picked up.
    jira: new JiraRestClient({
      baseUrl: config.jiraBaseUrl,
      credentials: async () => parseJiraSecret(await secrets.getJson(config.jiraSecretArn)),
      logger,
    }),
    audit: new TimelineRepository(table),
    tasks: new DynamoTaskReader(table),
    baseUrl: config.jiraBaseUrl,
    allowedProjects: config.allowedProjects,
    logger,
  });
};

/** Lambda entry point (Bedrock action group, or the Step Functions task commentOnIssue). */
export const handler = async (event: unknown) => {
  ready ??= build();
  return ready(event);
};
