import { CiWaitStore, createDocumentClient, TimelineRepository } from '@enterprise-agents/core/db';
import { githubClientLoader, OctokitGitHub } from '@enterprise-agents/core/github';
import { lazyHandler } from '@enterprise-agents/core/lambda';
import { createLogger } from '@enterprise-agents/core/logging';
import { lambdaSecretStore } from '@enterprise-agents/core/secrets';
import { StepFunctionsAdapter } from '@enterprise-agents/core/workflow';
import { OctokitRepoHost } from './adapters/octokit-repo-host';
import { readConfig } from './config';
import { createHandler } from './create-handler';

/**
 * Lambda entry point (Bedrock action groups and the registerCiWait Step Functions task), built
 * on the first invocation (core's lazyHandler). The GitHub client is built from the secret on
 * the first GitHub call and again when the secret rotates.
 */
export const handler = lazyHandler((): ReturnType<typeof createHandler> => {
  const config = readConfig();
  const logger = createLogger({ service: 'github-actions', level: config.logLevel });
  const octokit = githubClientLoader({
    store: lambdaSecretStore(config),
    secretId: config.githubSecretArn,
    baseUrl: config.githubApiUrl,
    logger,
  });
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
