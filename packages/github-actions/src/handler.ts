import {
  CiWaitStore,
  createDocumentClient,
  createGitHubClient,
  createLogger,
  lambdaSecretStore,
  lazyHandler,
  OctokitGitHub,
  StepFunctionsAdapter,
  TimelineRepository,
} from '@enterprise-agents/core';
import { OctokitRepoHost } from './adapters/octokit-repo-host';
import { parseGitHubSecret, readConfig } from './config';
import { createHandler } from './create-handler';

/**
 * Lambda entry point (Bedrock action groups and the registerCiWait Step Functions task), built
 * on the first invocation (core's lazyHandler): a missing variable or an unreadable secret fails
 * that call and the next one builds again.
 */
export const handler = lazyHandler(async (): Promise<ReturnType<typeof createHandler>> => {
  const config = readConfig();
  const logger = createLogger({ service: 'github-actions', level: config.logLevel });
  const auth = parseGitHubSecret(await lambdaSecretStore(config).getJson(config.githubSecretArn));
  const octokit = createGitHubClient({ auth, baseUrl: config.githubApiUrl, logger });
  const table = { client: createDocumentClient(), tableName: config.tableName };
  const timeline = new TimelineRepository(table);
  return createHandler({
    host: new OctokitRepoHost(octokit),
    guardrails: config.guardrails,
    audit: timeline,
    ciWait: {
      ciWaits: new CiWaitStore(table),
      github: new OctokitGitHub(octokit),
      callback: new StepFunctionsAdapter(),
      timeline,
    },
    logger,
  });
});
