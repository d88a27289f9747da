import {
  ApprovalStore,
  CiWaitStore,
  createDocumentClient,
  createLogger,
  DeliveryStore,
  EnvReader,
  EnvSecretStore,
  EventBridgePublisher,
  errorResponse,
  type HttpEvent,
  type HttpResult,
  jsonResponse,
  type SecretStore,
  SecretsManagerStore,
  StepFunctionsAdapter,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core';
import { LazyGitHub } from './adapters/github';
import { SecretStoreWebhookSecrets } from './adapters/webhook-secrets';
import { readConfig } from './config';
import { createHandler, type WebhookHandler } from './create-handler';

const logger = createLogger({ service: 'webhook-handler' });

/** Production wiring from the environment (docs/contracts.md), read once per container. */
const build = (): WebhookHandler => {
  const config = readConfig(new EnvReader(process.env));
  const table = { client: createDocumentClient(), tableName: config.tableName };
  const store: SecretStore = config.localSecrets
    ? new EnvSecretStore(process.env)
    : new SecretsManagerStore({}, config.secretsCacheSeconds * 1000);
  const stepFunctions = new StepFunctionsAdapter();
  return createHandler({
    config: config.webhook,
    secrets: new SecretStoreWebhookSecrets(store, config.webhookSecretArn, config.sentrySecretArn),
    deliveries: new DeliveryStore(table),
    tasks: new TaskRepository(table),
    timeline: new TimelineRepository(table),
    approvals: new ApprovalStore(table),
    ciWaits: new CiWaitStore(table),
    publisher: new EventBridgePublisher(config.eventBusName),
    callback: stepFunctions,
    executions: stepFunctions,
    github: new LazyGitHub({
      store,
      secretId: config.githubSecretArn,
      baseUrl: config.githubApiUrl,
      logger,
    }),
    logger,
  });
};

let instance: WebhookHandler | undefined;

/**
 * The Lambda entry point. Dependencies are built on the first invocation, not at
 * import, so loading the bundle never throws; a configuration error is logged
 * and answered with a generic 500 until the environment is fixed.
 */
export const handler = async (event: HttpEvent): Promise<HttpResult> => {
  if (instance === undefined) {
    try {
      instance = build();
    } catch (error) {
      // A health check must not report a container that cannot serve webhooks as healthy.
      if (event.rawPath === '/health') {
        logger.error({ err: error }, 'webhook handler is not configured');
        return jsonResponse(503, { status: 'unavailable', error: 'configuration error; see the logs' });
      }
      return errorResponse(error, logger);
    }
  }
  return instance(event);
};
