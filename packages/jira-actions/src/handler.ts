import { createDocumentClient, TimelineRepository } from '@enterprise-agents/core/db';
import { lazyHandler } from '@enterprise-agents/core/lambda';
import { createLogger } from '@enterprise-agents/core/logging';
import { lambdaSecretStore, secretLoader } from '@enterprise-agents/core/secrets';
import { DynamoTaskReader } from './adapters/dynamo-task-reader';
import { JiraRestClient } from './adapters/jira-rest';
import { parseJiraSecret, readConfig } from './config';
import { createHandler } from './create-handler';

/**
 * Lambda entry point (Bedrock action group, or the Step Functions task commentOnIssue), built on
 * the first invocation (core's lazyHandler).
 */
export const handler = lazyHandler((): ReturnType<typeof createHandler> => {
  const config = readConfig();
  const logger = createLogger({ service: 'jira-actions', level: config.logLevel });
  const table = { client: createDocumentClient(), tableName: config.tableName };
  return createHandler({
    jira: new JiraRestClient({
      baseUrl: config.jiraBaseUrl,
      credentials: secretLoader(lambdaSecretStore(config), config.jiraSecretArn, parseJiraSecret),
      logger,
    }),
    audit: new TimelineRepository(table),
    tasks: new DynamoTaskReader(table),
    baseUrl: config.jiraBaseUrl,
    allowedProjects: config.allowedProjects,
    logger,
  });
});
