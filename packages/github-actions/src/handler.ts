import {
  CiWaitStore,
  createDocumentClient,
  createGitHubClient,
  createLogger,
  OctokitGitHub,
  SecretsManagerStore,
  StepFunctionsAdapter,
  TimelineRepository,
} from '@enterprise-agents/core';
import { OctokitRepoHost } from './adapters/octokit-repo-host';
import { parseGitHubSecret, readConfig } from './config';
import { createHandler } from './create-handler';

const logger = createLogger({ service: 'github-actions' });

type Handler = ReturnType<typeof createHandler>;
let ready: Promise<Handler> | undefined;

// Built on the first invocation and kept for the container: importing this module never throws,
// and a missing variable fails the first call with a ConfigError naming it.
const build = async (): Promise<Handler> => {
  const config = readConfig();
  const secrets = new SecretsManagerStore({}, config.secretsCacheSeconds * 1000);
  const auth = parseGitHubSecret(await secrets.getJson(config.githubSecretArn));
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
};

/** Lambda entry point (Bedrock action groups and the registerCiWait Step Functions task). */
export const handler = async (event: unknown) => {
  ready ??= build().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return (await ready)(event);
};
